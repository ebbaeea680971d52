/*
 * unicode_class.h — Go's strconv.IsPrint and unicode.IsLetter for runes.
 * Internal to librender.
 */
#ifndef RN_UNICODE_CLASS_H
#define RN_UNICODE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

bool rn_unicode_is_print(uint32_t c);
bool rn_unicode_is_letter(uint32_t c);

#endif
