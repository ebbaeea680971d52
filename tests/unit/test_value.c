/*
 * test_value.c — the value tree: constructors, maps in insertion and
 * sorted order, deep copy, Go's DeepEqual, truthiness and type names.
 */
/* cmocka needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "value.h"

static int setup(void **state)
{
    *state = rn_arena_new();
    return 0;
}

static int teardown(void **state)
{
    rn_arena_free(*state);
    return 0;
}

static void test_scalars(void **state)
{
    rn_arena *a = *state;
    assert_int_equal(rn_null(a)->kind, RN_NULL);
    assert_true(rn_bool(a, true)->u.b);
    assert_int_equal(rn_int(a, -5)->u.i, -5);
    assert_int_equal(rn_int(a, 5)->flags & RN_F_INT64, 0);
    assert_true(rn_int64(a, 5)->flags & RN_F_INT64);
    assert_true(rn_float(a, 1.5)->u.f == 1.5);

    char src[] = "hello";
    rn_value *s = rn_str(a, src, 3);
    src[0] = 'J'; /* the constructor copied the bytes */
    assert_int_equal(s->u.s.len, 3);
    assert_string_equal(s->u.s.ptr, "hel");

    rn_value *z = rn_strz(a, "");
    assert_int_equal(z->u.s.len, 0);
    assert_string_equal(z->u.s.ptr, "");
    assert_string_equal(rn_strz(a, NULL)->u.s.ptr, "");

    /* Embedded NUL bytes are kept. */
    rn_value *nul = rn_str(a, "a\0b", 3);
    assert_int_equal(nul->u.s.len, 3);
    assert_memory_equal(nul->u.s.ptr, "a\0b", 3);
}

static void test_list(void **state)
{
    rn_arena *a = *state;
    rn_value *l = rn_list_new(a, 0);
    for (int i = 0; i < 100; i++)
        rn_list_push(a, l, rn_int(a, i));
    assert_int_equal(l->u.list.len, 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(l->u.list.items[i]->u.i, i);
    rn_value *h = rn_list_new(a, 2);
    rn_list_push(a, h, rn_null(a));
    rn_list_push(a, h, rn_null(a));
    rn_list_push(a, h, rn_bool(a, true));
    assert_int_equal(h->u.list.len, 3);
    assert_int_equal(h->u.list.items[2]->kind, RN_BOOL);
}

static void test_map_basic(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    rn_map_setz(a, m, "b", rn_int(a, 1));
    rn_map_setz(a, m, "a", rn_int(a, 2));
    rn_map_setz(a, m, "", rn_int(a, 3));
    assert_int_equal(m->u.map.len, 3);
    assert_int_equal(rn_map_getz(m, "a")->u.i, 2);
    assert_int_equal(rn_map_getz(m, "")->u.i, 3);
    assert_null(rn_map_getz(m, "c"));
    /* Replacing keeps the position. */
    rn_map_setz(a, m, "b", rn_int(a, 9));
    assert_int_equal(m->u.map.len, 3);
    assert_string_equal(m->u.map.pairs[0].key, "b");
    assert_int_equal(m->u.map.pairs[0].val->u.i, 9);
    /* Keys are compared by length too. */
    assert_null(rn_map_get(m, "bb", 2));
    assert_non_null(rn_map_get(m, "bb", 1));
    /* Lookups on non-maps find nothing. */
    assert_null(rn_map_getz(rn_int(a, 1), "a"));
    assert_null(rn_map_getz(NULL, "a"));
}

static void test_map_del(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    rn_map_setz(a, m, "x", rn_int(a, 1));
    rn_map_setz(a, m, "y", rn_int(a, 2));
    rn_map_setz(a, m, "z", rn_int(a, 3));
    assert_true(rn_map_del(m, "y", 1));
    assert_false(rn_map_del(m, "y", 1));
    assert_int_equal(m->u.map.len, 2);
    assert_string_equal(m->u.map.pairs[0].key, "x");
    assert_string_equal(m->u.map.pairs[1].key, "z");
    assert_true(rn_map_del(m, "z", 1));
    assert_true(rn_map_del(m, "x", 1));
    assert_int_equal(m->u.map.len, 0);
    rn_map_setz(a, m, "w", rn_null(a));
    assert_int_equal(rn_map_getz(m, "w")->kind, RN_NULL);
}

static void test_map_large(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    char key[32];
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "key%03d", 499 - i);
        rn_map_setz(a, m, key, rn_int(a, 499 - i));
    }
    assert_int_equal(m->u.map.len, 500);
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "key%03d", i);
        assert_int_equal(rn_map_getz(m, key)->u.i, i);
    }
    size_t *idx = rn_map_sorted(a, m);
    for (int i = 0; i < 500; i++)
        assert_int_equal(m->u.map.pairs[idx[i]].val->u.i, i);
}

static void test_map_sorted(void **state)
{
    rn_arena *a = *state;
    rn_value *m = rn_map_new(a, 0);
    const char *keys[] = {"b", "a", "B", "ab", "", "a\xc3\xa9", "aa", "_", "1"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        rn_map_setz(a, m, keys[i], rn_null(a));
    /* Go sorts string keys byte-wise: "" < "1" < "B" < "_" < "a" ... */
    const char *want[] = {"", "1", "B", "_", "a", "aa", "ab", "a\xc3\xa9", "b"};
    size_t *idx = rn_map_sorted(a, m);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_string_equal(m->u.map.pairs[idx[i]].key, want[i]);
    rn_value *empty = rn_map_new(a, 0);
    assert_non_null(rn_map_sorted(a, empty));
}

static void test_value_at(void **state)
{
    rn_arena *a = *state;
    rn_value *root = rn_map_new(a, 0);
    rn_value *spec = rn_map_new(a, 0);
    rn_value *storage = rn_map_new(a, 0);
    rn_map_setz(a, storage, "size", rn_strz(a, "2Gi"));
    rn_map_setz(a, spec, "storage", storage);
    rn_map_setz(a, root, "spec", spec);
    assert_string_equal(rn_value_at(root, "spec.storage.size")->u.s.ptr, "2Gi");
    assert_ptr_equal(rn_value_at(root, "spec.storage"), storage);
    assert_null(rn_value_at(root, "spec.storage.size.x"));
    assert_null(rn_value_at(root, "spec.nothing"));
    assert_null(rn_value_at(NULL, "spec"));
    assert_ptr_equal(rn_value_at(root, ""), root);
}

static rn_value *sample(rn_arena *a)
{
    rn_value *m = rn_map_new(a, 0);
    rn_value *l = rn_list_new(a, 0);
    rn_list_push(a, l, rn_float(a, 1));
    rn_list_push(a, l, rn_strz(a, "x"));
    rn_list_push(a, l, rn_null(a));
    rn_map_setz(a, m, "list", l);
    rn_map_setz(a, m, "n", rn_int(a, 3));
    rn_map_setz(a, m, "b", rn_bool(a, false));
    return m;
}

static void test_deepcopy(void **state)
{
    rn_arena *a = *state;
    rn_value *m = sample(a);
    rn_value *c = rn_value_deepcopy(a, m);
    assert_true(rn_value_equal(m, c));
    assert_ptr_not_equal(rn_map_getz(c, "list"), rn_map_getz(m, "list"));
    /* Changing the copy leaves the original alone. */
    rn_list_push(a, rn_map_getz(c, "list"), rn_int(a, 1));
    rn_map_setz(a, c, "n", rn_int(a, 4));
    assert_int_equal(rn_map_getz(m, "list")->u.list.len, 3);
    assert_int_equal(rn_map_getz(m, "n")->u.i, 3);
    assert_false(rn_value_equal(m, c));
    assert_null(rn_value_deepcopy(a, NULL));
    rn_value *i64 = rn_value_deepcopy(a, rn_int64(a, 7));
    assert_true(i64->flags & RN_F_INT64);
    /* The copy survives the source arena. */
    rn_arena *other = rn_arena_new();
    rn_value *src = rn_strz(other, "gone");
    rn_value *kept = rn_value_deepcopy(a, src);
    rn_arena_free(other);
    assert_string_equal(kept->u.s.ptr, "gone");
}

/* How a reader saw a scalar written rides along with copies, in the
 * scalar's spare word: no node grows, and the Go type is untouched. */
static void test_source_form(void **state)
{
    rn_arena *a = *state;
    /* The kept text shares the word lists and maps use for capacity. */
    assert_true(sizeof(rn_value) <= 48);
    rn_arena *other = rn_arena_new();
    rn_value *f = rn_float(other, 1.0);
    f->flags |= RN_F_SRC_TEXT | RN_STYLE_PLAIN << RN_F_STYLE_SHIFT;
    f->u.src = rn_arena_strdup(other, "1.0");
    rn_value *s = rn_strz(other, "foo");
    s->flags |= RN_F_SRC_TAG | RN_STYLE_PLAIN << RN_F_KEY_STYLE_SHIFT;
    s->u.src = rn_arena_strdup(other, "!custom");
    rn_value *fc = rn_value_deepcopy(a, f), *sc = rn_value_deepcopy(a, s);
    rn_arena_free(other);
    assert_true(fc->u.f == 1.0);
    assert_string_equal(fc->u.src, "1.0");
    assert_int_equal(fc->flags & RN_F_STYLE,
                     RN_STYLE_PLAIN << RN_F_STYLE_SHIFT);
    assert_string_equal(sc->u.s.ptr, "foo");
    assert_string_equal(sc->u.src, "!custom");
    assert_int_equal(sc->flags & RN_F_KEY_STYLE,
                     RN_STYLE_PLAIN << RN_F_KEY_STYLE_SHIFT);
    /* Neither the kept form nor its absence changes equality or type. */
    assert_true(rn_value_equal(fc, rn_float(a, 1.0)));
    assert_true(rn_value_equal(sc, rn_strz(a, "foo")));
    assert_string_equal(rn_value_type_name(fc), "float64");
    /* Values built by constructors carry nothing. */
    assert_null(rn_int(a, 1)->u.src);
    assert_null(rn_value_deepcopy(a, rn_strz(a, "x"))->u.src);
}

static void test_equal(void **state)
{
    rn_arena *a = *state;
    /* Different Go types are never DeepEqual. */
    assert_false(rn_value_equal(rn_int(a, 1), rn_float(a, 1)));
    assert_false(rn_value_equal(rn_int(a, 1), rn_int64(a, 1)));
    assert_false(rn_value_equal(rn_strz(a, "1"), rn_int(a, 1)));
    assert_true(rn_value_equal(rn_int64(a, 1), rn_int64(a, 1)));
    assert_true(rn_value_equal(rn_null(a), rn_null(a)));
    assert_false(rn_value_equal(rn_null(a), NULL));
    assert_true(rn_value_equal(NULL, NULL));
    assert_true(rn_value_equal(rn_strz(a, "ab"), rn_str(a, "abc", 2)));
    assert_false(rn_value_equal(rn_strz(a, "ab"), rn_strz(a, "abc")));
    /* NaN is not equal to itself. */
    rn_value *nan = rn_float(a, NAN);
    assert_false(rn_value_equal(nan, nan));
    assert_true(rn_value_equal(rn_float(a, 0.0), rn_float(a, -0.0)));
    /* Maps compare regardless of insertion order. */
    rn_value *x = rn_map_new(a, 0), *y = rn_map_new(a, 0);
    rn_map_setz(a, x, "a", rn_int(a, 1));
    rn_map_setz(a, x, "b", rn_int(a, 2));
    rn_map_setz(a, y, "b", rn_int(a, 2));
    rn_map_setz(a, y, "a", rn_int(a, 1));
    assert_true(rn_value_equal(x, y));
    rn_map_setz(a, y, "c", rn_null(a));
    assert_false(rn_value_equal(x, y));
    /* []string and []interface{} differ in type. */
    rn_value *l1 = rn_list_new(a, 0), *l2 = rn_list_new(a, 0);
    rn_list_push(a, l1, rn_strz(a, "a"));
    rn_list_push(a, l2, rn_strz(a, "a"));
    assert_true(rn_value_equal(l1, l2));
    l2->flags |= RN_F_STRLIST;
    assert_false(rn_value_equal(l1, l2));
    /* A list holding NaN equals itself (same slice), as in Go. */
    rn_value *ln = rn_list_new(a, 0);
    rn_list_push(a, ln, nan);
    assert_true(rn_value_equal(ln, ln));
    assert_false(rn_value_equal(ln, rn_value_deepcopy(a, ln)));
    rn_value *f = rn_func(a, "Get", NULL, NULL);
    assert_false(rn_value_equal(f, f));
}

static void test_truthy(void **state)
{
    rn_arena *a = *state;
    assert_false(rn_value_truthy(NULL));
    assert_false(rn_value_truthy(rn_null(a)));
    assert_false(rn_value_truthy(rn_bool(a, false)));
    assert_true(rn_value_truthy(rn_bool(a, true)));
    assert_false(rn_value_truthy(rn_int(a, 0)));
    assert_true(rn_value_truthy(rn_int(a, -1)));
    assert_false(rn_value_truthy(rn_float(a, 0.0)));
    assert_false(rn_value_truthy(rn_float(a, -0.0)));
    assert_true(rn_value_truthy(rn_float(a, NAN)));
    assert_true(rn_value_truthy(rn_float(a, 0.001)));
    assert_false(rn_value_truthy(rn_strz(a, "")));
    assert_true(rn_value_truthy(rn_strz(a, "false")));
    assert_true(rn_value_truthy(rn_strz(a, "0")));
    assert_false(rn_value_truthy(rn_list_new(a, 4)));
    assert_false(rn_value_truthy(rn_map_new(a, 4)));
    rn_value *l = rn_list_new(a, 0);
    rn_list_push(a, l, rn_null(a));
    assert_true(rn_value_truthy(l));
    assert_true(rn_value_truthy(rn_func(a, "f", NULL, NULL)));
}

static void test_type_names(void **state)
{
    rn_arena *a = *state;
    /* Sprig kindOf = reflect Kind; typeOf = fmt %T. */
    assert_string_equal(rn_value_kind_name(NULL), "invalid");
    assert_string_equal(rn_value_kind_name(rn_null(a)), "invalid");
    assert_string_equal(rn_value_type_name(rn_null(a)), "<nil>");
    assert_string_equal(rn_value_type_name(NULL), "<nil>");
    assert_string_equal(rn_value_kind_name(rn_bool(a, 1)), "bool");
    assert_string_equal(rn_value_kind_name(rn_int(a, 1)), "int");
    assert_string_equal(rn_value_kind_name(rn_int64(a, 1)), "int64");
    assert_string_equal(rn_value_type_name(rn_int64(a, 1)), "int64");
    assert_string_equal(rn_value_kind_name(rn_float(a, 1)), "float64");
    assert_string_equal(rn_value_type_name(rn_float(a, 1)), "float64");
    assert_string_equal(rn_value_kind_name(rn_strz(a, "")), "string");
    assert_string_equal(rn_value_type_name(rn_strz(a, "")), "string");
    rn_value *l = rn_list_new(a, 0);
    assert_string_equal(rn_value_kind_name(l), "slice");
    assert_string_equal(rn_value_type_name(l), "[]interface {}");
    l->flags |= RN_F_STRLIST;
    assert_string_equal(rn_value_kind_name(l), "slice");
    assert_string_equal(rn_value_type_name(l), "[]string");
    rn_value *m = rn_map_new(a, 0);
    assert_string_equal(rn_value_kind_name(m), "map");
    assert_string_equal(rn_value_type_name(m), "map[string]interface {}");
    m->flags |= RN_F_STRMAP;
    assert_string_equal(rn_value_type_name(m), "map[string]string");
    assert_string_equal(rn_value_kind_name(rn_func(a, "f", NULL, NULL)),
                        "func");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_value_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deepcopy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truthy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
