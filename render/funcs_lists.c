/*
 * funcs_lists.c — Sprig's list functions (list.go, numeric.go's until and
 * seq). Every function that takes "a list" accepts any Go slice ([]string
 * too) and answers with a new []interface{}; the argument is never changed.
 * A non-list argument is a Sprig panic, which a template reports as an
 * error naming the function: "Cannot find first on type string".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "funcs_int.h"

/* Sprig panics on reflect.TypeOf(nil).Kind(): a nil dereference. */
static int not_a_list(tmpl_ctx *ctx, const char *what, const rn_value *v)
{
    if (v->kind == RN_NULL)
        return tmpl_fail(ctx, "runtime error: invalid memory address or nil "
                              "pointer dereference");
    return tmpl_fail(ctx, what, rn_fn_kind_name(v));
}

static rn_value *new_list(tmpl_ctx *ctx, size_t cap)
{
    return rn_list_new(tmpl_arena(ctx), cap);
}

static void push(tmpl_ctx *ctx, rn_value *l, rn_value *v)
{
    rn_list_push(tmpl_arena(ctx), l, v);
}

RN_FN(rn_fn_list)
{
    rn_value *l = new_list(ctx, (size_t)argc);
    for (int i = 0; i < argc; i++)
        push(ctx, l, argv[i]);
    *out = l;
    return 0;
}

RN_FN(rn_fn_push)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot push on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len + 1);
    for (size_t i = 0; i < src->u.list.len; i++)
        push(ctx, l, src->u.list.items[i]);
    push(ctx, l, argv[1]);
    *out = l;
    return 0;
}

RN_FN(rn_fn_prepend)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot prepend on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len + 1);
    push(ctx, l, argv[1]);
    for (size_t i = 0; i < src->u.list.len; i++)
        push(ctx, l, src->u.list.items[i]);
    *out = l;
    return 0;
}

RN_FN(rn_fn_first)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find first on type %s", src);
    *out = src->u.list.len ? src->u.list.items[0] : rn_null(tmpl_arena(ctx));
    return 0;
}

RN_FN(rn_fn_last)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find last on type %s", src);
    size_t n = src->u.list.len;
    *out = n ? src->u.list.items[n - 1] : rn_null(tmpl_arena(ctx));
    return 0;
}

/* Items [from, to) of a list as a new []interface{}. */
static rn_value *sublist(tmpl_ctx *ctx, const rn_value *src, size_t from,
                         size_t to)
{
    rn_value *l = new_list(ctx, to > from ? to - from : 0);
    for (size_t i = from; i < to; i++)
        push(ctx, l, src->u.list.items[i]);
    return l;
}

/* Sprig answers `nil` for an empty list's rest and initial. */
static rn_value *nil_list(tmpl_ctx *ctx)
{
    rn_value *l = new_list(ctx, 0);
    l->flags |= RN_F_NIL;
    return l;
}

RN_FN(rn_fn_rest)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find rest on type %s", src);
    size_t n = src->u.list.len;
    *out = n ? sublist(ctx, src, 1, n) : nil_list(ctx);
    return 0;
}

RN_FN(rn_fn_initial)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find initial on type %s", src);
    size_t n = src->u.list.len;
    *out = n ? sublist(ctx, src, 0, n - 1) : nil_list(ctx);
    return 0;
}

RN_FN(rn_fn_reverse)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find reverse on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len);
    for (size_t i = src->u.list.len; i > 0; i--)
        push(ctx, l, src->u.list.items[i - 1]);
    *out = l;
    return 0;
}

static bool in_values(rn_value **items, size_t n, const rn_value *needle)
{
    for (size_t i = 0; i < n; i++)
        if (rn_value_equal(needle, items[i]))
            return true;
    return false;
}

RN_FN(rn_fn_uniq)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find uniq on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len);
    for (size_t i = 0; i < src->u.list.len; i++) {
        rn_value *it = src->u.list.items[i];
        if (!in_values(l->u.list.items, l->u.list.len, it))
            push(ctx, l, it);
    }
    *out = l;
    return 0;
}

RN_FN(rn_fn_without)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find without on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len);
    for (size_t i = 0; i < src->u.list.len; i++) {
        rn_value *it = src->u.list.items[i];
        if (!in_values(argv + 1, (size_t)(argc - 1), it))
            push(ctx, l, it);
    }
    *out = l;
    return 0;
}

RN_FN(rn_fn_has)
{
    rn_value *hay = argv[1];
    if (hay->kind == RN_NULL) {
        *out = rn_bool(tmpl_arena(ctx), false);
        return 0;
    }
    if (hay->kind != RN_LIST)
        return not_a_list(ctx, "Cannot find has on type %s", hay);
    *out = rn_bool(tmpl_arena(ctx),
                   in_values(hay->u.list.items, hay->u.list.len, argv[0]));
    return 0;
}

RN_FN(rn_fn_compact)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot compact on type %s", src);
    rn_value *l = new_list(ctx, src->u.list.len);
    for (size_t i = 0; i < src->u.list.len; i++)
        if (!rn_fn_empty(src->u.list.items[i]))
            push(ctx, l, src->u.list.items[i]);
    *out = l;
    return 0;
}

/* slice keeps the slice's own type ([]string stays []string). */
RN_FN(rn_fn_slice)
{
    rn_value *src = argv[0];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "list should be type of slice or array but %s",
                          src);
    int64_t n = (int64_t)src->u.list.len;
    if (n == 0) {
        *out = rn_null(tmpl_arena(ctx));
        return 0;
    }
    int64_t start = argc > 1 ? rn_fn_cast_int64(argv[1]) : 0;
    int64_t end = argc > 2 ? rn_fn_cast_int64(argv[2]) : n;
    if (start < 0 || end < start || end > n)
        return tmpl_fail(ctx, "reflect.Value.Slice: slice index out of bounds");
    rn_value *l = sublist(ctx, src, (size_t)start, (size_t)end);
    l->flags = src->flags;
    *out = l;
    return 0;
}

/* concat appends to a nil slice: nothing to append leaves it nil. */
RN_FN(rn_fn_concat)
{
    rn_value *l = nil_list(ctx);
    for (int i = 0; i < argc; i++) {
        rn_value *src = argv[i];
        if (src->kind == RN_NULL)
            return not_a_list(ctx, "", src);
        if (src->kind != RN_LIST)
            return tmpl_fail(ctx, "Cannot concat type %s as list",
                             rn_fn_kind_name(src));
        for (size_t j = 0; j < src->u.list.len; j++)
            push(ctx, l, src->u.list.items[j]);
    }
    *out = l;
    return 0;
}

/* Sprig's chunk sizes the result with float arithmetic that Go converts
 * to int as amd64 does, so a size of 0 or below is a negative length
 * (makeslice panics) except where the arithmetic lands on 0 chunks (a
 * short list) or 1 (a one-item list). */
RN_FN(rn_fn_chunk)
{
    int64_t size;
    if (rn_fn_arg_int(ctx, argv, 0, &size) != 0)
        return -1;
    rn_value *src = argv[1];
    if (src->kind != RN_LIST)
        return not_a_list(ctx, "Cannot chunk type %s", src);
    int64_t n = (int64_t)src->u.list.len;
    int64_t chunks =
        rn_fn_float_to_int64(floor((double)(n - 1) / (double)size) + 1);
    if (chunks < 0)
        return tmpl_fail(ctx, "runtime error: makeslice: len out of range");
    rn_value *l = new_list(ctx, (size_t)chunks);
    for (int64_t i = 0; i < chunks; i++) {
        int64_t len = size;
        if (i == chunks - 1) {
            len = rn_fn_float_to_int64(floor(fmod((double)n, (double)size)));
            if (len == 0)
                len = size;
        }
        if (len < 0)
            return tmpl_fail(ctx, "runtime error: makeslice: len out of range");
        size_t from = (size_t)(i * size);
        push(ctx, l, sublist(ctx, src, from, from + (size_t)len));
    }
    *out = l;
    return 0;
}

/* untilStep's []int, appended to l. */
static int until_step(tmpl_ctx *ctx, rn_value *l, int64_t start, int64_t stop,
                      int64_t step)
{
    rn_arena *a = tmpl_arena(ctx);
    if ((stop < start && step >= 0) || (stop >= start && step <= 0))
        return 0;
    int64_t count = stop < start ? (start - stop - 1) / -step + 1
                                 : (stop - start - 1) / step + 1;
    if (count > (1 << 24))
        return tmpl_fail(ctx, "runtime error: makeslice: len out of range");
    for (int64_t i = start; stop < start ? i > stop : i < stop; i += step)
        rn_list_push(a, l, rn_int(a, i));
    return 0;
}

RN_FN(rn_fn_until)
{
    int64_t count;
    if (rn_fn_arg_int(ctx, argv, 0, &count) != 0)
        return -1;
    rn_value *l = new_list(ctx, 4);
    if (until_step(ctx, l, 0, count, count < 0 ? -1 : 1) != 0)
        return -1;
    *out = l;
    return 0;
}

RN_FN(rn_fn_untilstep)
{
    int64_t p[3];
    for (int i = 0; i < 3; i++)
        if (rn_fn_arg_int(ctx, argv, i, &p[i]) != 0)
            return -1;
    rn_value *l = new_list(ctx, 4);
    if (until_step(ctx, l, p[0], p[1], p[2]) != 0)
        return -1;
    *out = l;
    return 0;
}

/* seq prints the numbers separated by spaces, as Sprig's
 * intArrayToString does. */
RN_FN(rn_fn_seq)
{
    int64_t p[3] = {0, 0, 0};
    for (int i = 0; i < argc && i < 3; i++)
        if (rn_fn_arg_int(ctx, argv, i, &p[i]) != 0)
            return -1;
    int64_t start = 1, end = 0, step = 1;
    rn_value *l = new_list(ctx, 4);
    rn_arena *a = tmpl_arena(ctx);
    int rc = 0;
    switch (argc) {
    case 1:
        end = p[0];
        step = end < start ? -1 : 1;
        rc = until_step(ctx, l, start, end + step, step);
        break;
    case 2:
        start = p[0];
        end = p[1];
        step = end < start ? -1 : 1;
        rc = until_step(ctx, l, start, end + step, step);
        break;
    case 3: {
        start = p[0];
        step = p[1];
        end = p[2];
        int64_t inc = 1;
        if (end < start) {
            inc = -1;
            if (step > 0)
                break;
        }
        rc = until_step(ctx, l, start, end + inc, step);
        break;
    }
    default:
        break;
    }
    if (rc != 0)
        return -1;
    rn_buf b = RN_BUF_INIT;
    rn_buf_append(&b, "", 0);
    for (size_t i = 0; i < l->u.list.len; i++) {
        if (i)
            rn_buf_putc(&b, ' ');
        rn_buf_printf(&b, "%lld", (long long)l->u.list.items[i]->u.i);
    }
    *out = rn_fn_buf_value(a, &b);
    return 0;
}
