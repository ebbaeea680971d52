/*
 * gofmt.h — Go's fmt package, as far as templates can see it.
 *
 * Templates print values the way Go's fmt does: `{{ . }}` is fmt.Fprint,
 * print/printf/println and Sprig's toString go through fmt too. Helm values
 * are float64, so numbers must print exactly as Go prints a float64
 * (3 → "3", 1000000 → "1e+06", 0.1 → "0.1").
 */
#ifndef RN_GOFMT_H
#define RN_GOFMT_H

#include "arena.h"
#include "error.h"
#include "value.h"

/* fmt.Sprint(v) for one operand (%v): maps print as map[k:v ...] with
 * sorted keys, lists as [a b], nil as <nil>. A NULL v prints <no value>
 * (text/template's rendering of a missing value). */
void rn_gofmt_value(rn_buf *out, const rn_value *v);

/* strconv.FormatFloat(f, fmt, prec, 64) for fmt in 'e','E','f','g','G'. */
void rn_gofmt_float(rn_buf *out, double f, char fmt, int prec);

/* strconv.FormatFloat(f, fmt, prec, 32): the float32 f, with shortest
 * digits (prec -1) that read back as the same float32. */
void rn_gofmt_float32(rn_buf *out, float f, char fmt, int prec);

/* fmt.Sprint(args...): spaces between operands when neither is a string. */
void rn_gofmt_sprint(rn_buf *out, int argc, rn_value **argv);
/* fmt.Sprintln(args...): always spaces, trailing newline. */
void rn_gofmt_sprintln(rn_buf *out, int argc, rn_value **argv);
/* fmt.Sprintf(format, args...), Go's verbs and flags, including Go's
 * in-band error text ("%!d(string=x)", "%!(EXTRA ...)", "%!v(MISSING)"). */
void rn_gofmt_sprintf(rn_buf *out, const char *format, size_t flen, int argc,
                      rn_value **argv);

/* strconv.Quote(s): fmt's %q of a string. */
void rn_gofmt_quote(rn_buf *out, const char *s, size_t n);

#endif
