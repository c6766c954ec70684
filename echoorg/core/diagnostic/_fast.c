/*
 * _fast: echoorg's optional accelerator for large responses files: reading them, and the
 * counting that scoring and reliability are built on.
 *
 * It reads only the plainest form of the responses CSV (see fastread.py for the exact
 * form) and gives up, returning -1, at the first byte it does not expect; the general
 * reader in responses.py then reads the file and names the row of every problem. So this
 * module never decides whether a file is valid: it only makes valid plain files quick.
 *
 * Each function releases the interpreter lock while it works, so that Python threads
 * can run several at once. None of them allocates what it returns: the caller passes
 * NumPy arrays (or other writable buffers) and they are checked for size here.
 *
 *   count_lines(data, start, end) -> the number of newline bytes in data[start:end].
 *
 *   parse(data, start, end, slots, low, high, codes, n_total, row, row_limit,
 *         key_start, key_len, key_hash) -> (rows, non_ascii)
 *       Reads the rows in data[start:end] (which must begin at a row's first byte and
 *       end after a row's newline, or at the end of the file). Row r's answer to the
 *       file's item column j goes to codes[slots[j] * n_total + r] as a one-byte code:
 *       0 for a blank (an empty cell or NA), else answer - low + 1. An answer is up to
 *       three digits without a leading zero, optionally followed by a point and zeros. The respondent and unit cells are not
 *       copied: their offsets, lengths and 64-bit FNV-1a hashes go to key_start,
 *       key_len and key_hash (2 x n_total each: respondents first, then units).
 *       rows is the number of rows read, or -1; non_ascii is 1 when a respondent cell
 *       holds a byte outside ASCII.
 *
 *   encode(data, key_start, key_len, key_hash, codes, first) -> distinct
 *       Numbers the distinct cells of one text column in order of first appearance:
 *       codes[i] is row i's number and first[c] the first row with number c. Cells are
 *       compared byte by byte, never by hash alone. Returns the number of distinct
 *       cells, or -1 if two different cells share a hash (the caller then falls back).
 *
 *   unit_histogram(columns, reverse, points, unit_of, bins, answered)
 *       For one scale: `columns` are its items' code columns (uint8, 0 blank, else 1 to
 *       points), `reverse` one byte per item (1: reverse keyed, code c counts as
 *       points + 1 - c). For respondent i with keyed sum s over c answered items, adds 1
 *       to bins[unit_of[i] * width + s * (k + 1) + c], width = (points * k + 1) * (k + 1),
 *       and sets answered[i] = 1 when c > 0 (it never clears it, so calls for several
 *       scales can share `answered`). See coded.coded_unit_totals.
 *
 *   pattern_histogram(columns, reverse, points, counts)
 *       For one scale: over respondents who answered every item, adds 1 to
 *       counts[sum over j of (keyed code j - 1) * points^j]. See coded.complete_moments.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_fast_core.h"  /* parse_range and encode_keys: plain C, no Python */

#define BLOCK 2048  /* rows counted together */
#define MAX_ITEMS 64  /* items of one scale; more than any instrument needs */

static void
release_buffers(Py_buffer *views, Py_ssize_t count)
{
    for (Py_ssize_t j = 0; j < count; j++) {
        PyBuffer_Release(&views[j]);
    }
}

static PyObject *
fast_parse(PyObject *self, PyObject *args)
{
    (void)self;
    Py_buffer views[6];
    Py_buffer *data = &views[0], *slots = &views[1], *codes = &views[2];
    Py_buffer *key_start = &views[3], *key_len = &views[4], *key_hash = &views[5];
    Py_ssize_t start, end, n_total, row, row_limit;
    long low, high;
    if (!PyArg_ParseTuple(args, "y*nny*llw*nnnw*w*w*", data, &start, &end, slots, &low,
                          &high, codes, &n_total, &row, &row_limit, key_start, key_len,
                          key_hash)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n_fields = slots->len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *slot = (const int64_t *)slots->buf;
    const Py_ssize_t key_bytes = 2 * n_total * (Py_ssize_t)sizeof(int64_t);
    int ok = n_total >= 0 && 0 <= start && start <= end && end <= data->len && 0 <= row
             && row <= row_limit && row_limit <= n_total && n_fields > 0
             && slots->len % (Py_ssize_t)sizeof(int64_t) == 0 && key_start->len == key_bytes
             && key_len->len == key_bytes && key_hash->len == key_bytes
             && high - low >= 0 && high - low < 254;
    for (Py_ssize_t j = 0; ok && j < n_fields; j++) {
        /* written without a product that could overflow for a huge slot */
        ok = slot[j] >= 0 && (n_total == 0 || slot[j] < codes->len / n_total);
    }
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "parse: inconsistent buffers or bounds");
        goto done;
    }
    Py_ssize_t rows;
    int non_ascii = 0;
    Py_BEGIN_ALLOW_THREADS
    rows = parse_range((const unsigned char *)data->buf, start, end, slot, n_fields, low,
                       high, (uint8_t *)codes->buf, n_total, row, row_limit,
                       (int64_t *)key_start->buf, (int64_t *)key_len->buf,
                       (uint64_t *)key_hash->buf, &non_ascii);
    Py_END_ALLOW_THREADS
    result = Py_BuildValue("(ni)", rows, non_ascii);
done:
    release_buffers(views, 6);
    return result;
}

static PyObject *
fast_encode(PyObject *self, PyObject *args)
{
    (void)self;
    Py_buffer views[6];
    Py_buffer *data = &views[0], *start = &views[1], *len = &views[2], *hash = &views[3];
    Py_buffer *codes = &views[4], *first = &views[5];
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*w*", data, start, len, hash, codes, first)) {
        return NULL;
    }
    PyObject *result = NULL;
    const Py_ssize_t n = start->len / (Py_ssize_t)sizeof(int64_t);
    const Py_ssize_t bytes = n * (Py_ssize_t)sizeof(int64_t);
    if (start->len != bytes || len->len != bytes || hash->len != bytes || codes->len != bytes
        || first->len != bytes) {
        PyErr_SetString(PyExc_ValueError, "encode: the arrays differ in length");
        goto done;
    }
    Py_ssize_t distinct;
    Py_BEGIN_ALLOW_THREADS
    distinct = encode_keys((const unsigned char *)data->buf, data->len,
                           (const int64_t *)start->buf, (const int64_t *)len->buf,
                           (const uint64_t *)hash->buf, n, (int64_t *)codes->buf,
                           (int64_t *)first->buf);
    Py_END_ALLOW_THREADS
    if (distinct == -2) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyLong_FromSsize_t(distinct);
done:
    release_buffers(views, 6);
    return result;
}

static PyObject *
fast_count_lines(PyObject *self, PyObject *args)
{
    Py_buffer data;
    Py_ssize_t start, end;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*nn", &data, &start, &end)) {
        return NULL;
    }
    if (start < 0 || start > end || end > data.len) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "count_lines: start and end are outside the data");
        return NULL;
    }
    Py_ssize_t lines = 0;
    Py_BEGIN_ALLOW_THREADS
    const unsigned char *p = (const unsigned char *)data.buf + start;
    const unsigned char *stop = (const unsigned char *)data.buf + end;
    while (p < stop && (p = memchr(p, '\n', (size_t)(stop - p))) != NULL) {
        lines++;
        p++;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    return PyLong_FromSsize_t(lines);
}

/* The code columns of one scale, with their lengths checked; returns the item count or
   -1 with an exception set. `views` must be released with release_buffers. */
static Py_ssize_t
get_columns(PyObject *columns, Py_buffer *views, const uint8_t **column, Py_ssize_t n)
{
    PyObject *sequence = PySequence_Fast(columns, "columns must be a sequence of arrays");
    if (sequence == NULL) {
        return -1;
    }
    const Py_ssize_t k = PySequence_Fast_GET_SIZE(sequence);
    if (k < 1 || k > MAX_ITEMS) {
        Py_DECREF(sequence);
        PyErr_Format(PyExc_ValueError, "a scale needs 1 to %d item columns", MAX_ITEMS);
        return -1;
    }
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *item = PySequence_Fast_GET_ITEM(sequence, j);
        if (PyObject_GetBuffer(item, &views[j], PyBUF_C_CONTIGUOUS) < 0) {
            release_buffers(views, j);
            Py_DECREF(sequence);
            return -1;
        }
        if (views[j].len != n) {
            release_buffers(views, j + 1);
            Py_DECREF(sequence);
            PyErr_SetString(PyExc_ValueError, "the item columns differ in length");
            return -1;
        }
        column[j] = (const uint8_t *)views[j].buf;
    }
    Py_DECREF(sequence);
    return k;
}

static PyObject *
fast_unit_histogram(PyObject *self, PyObject *args)
{
    PyObject *columns;
    Py_buffer reverse, unit_of, bins, answered;
    int points;
    (void)self;
    if (!PyArg_ParseTuple(args, "Oy*iy*w*w*", &columns, &reverse, &points, &unit_of, &bins,
                          &answered)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_buffer views[MAX_ITEMS];
    const uint8_t *column[MAX_ITEMS];
    const Py_ssize_t n = unit_of.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t k = get_columns(columns, views, column, n);
    if (k < 0) {
        goto done;
    }
    const Py_ssize_t width = ((Py_ssize_t)points * k + 1) * (k + 1);
    const Py_ssize_t n_units = bins.len / (Py_ssize_t)sizeof(int64_t) / width;
    if (reverse.len != k || points < 1 || points > 254 || answered.len != n
        || unit_of.len % (Py_ssize_t)sizeof(int64_t) != 0
        || bins.len != n_units * width * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "unit_histogram: inconsistent buffers");
        goto release;
    }
    const int64_t *unit = (const int64_t *)unit_of.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (unit[i] < 0 || unit[i] >= n_units) {
            PyErr_SetString(PyExc_ValueError, "unit_histogram: a unit index is out of range");
            goto release;
        }
    }
    const uint8_t *flip = (const uint8_t *)reverse.buf;
    int64_t *bin = (int64_t *)bins.buf;
    uint8_t *any = (uint8_t *)answered.buf;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    /* rows in blocks: each column's pass over a block is a simple loop the compiler turns
       into vector instructions; then one histogram step per row */
    int32_t sum[BLOCK], count[BLOCK];
    uint8_t top = 0;
    for (Py_ssize_t base = 0; base < n; base += BLOCK) {
        const Py_ssize_t m = n - base < BLOCK ? n - base : BLOCK;
        memset(sum, 0, sizeof(sum));
        memset(count, 0, sizeof(count));
        for (Py_ssize_t j = 0; j < k; j++) {
            const uint8_t *code = column[j] + base;
            const int32_t mirror = flip[j] ? points + 1 : 0;
            for (Py_ssize_t i = 0; i < m; i++) {
                const uint8_t c = code[i];
                const int32_t given = c != 0;
                top = c > top ? c : top;
                /* reverse keyed: points + 1 - c for an answer, 0 for a blank */
                sum[i] += flip[j] ? given * (mirror - c) : c;
                count[i] += given;
            }
        }
        if (top > points) {
            break;  /* before a sum beyond the histogram is counted */
        }
        for (Py_ssize_t i = 0; i < m; i++) {
            bin[unit[base + i] * width + sum[i] * (k + 1) + count[i]]++;
            if (count[i]) {
                any[base + i] = 1;
            }
        }
    }
    bad = top > points;
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "unit_histogram: a code is above the scale");
        goto release;
    }
    result = Py_NewRef(Py_None);
release:
    release_buffers(views, k);
done:
    PyBuffer_Release(&reverse);
    PyBuffer_Release(&unit_of);
    PyBuffer_Release(&bins);
    PyBuffer_Release(&answered);
    return result;
}

static PyObject *
fast_pattern_histogram(PyObject *self, PyObject *args)
{
    PyObject *columns;
    Py_buffer reverse, counts;
    int points;
    Py_ssize_t n;
    (void)self;
    if (!PyArg_ParseTuple(args, "Oy*inw*", &columns, &reverse, &points, &n, &counts)) {
        return NULL;
    }
    PyObject *result = NULL;
    Py_buffer views[MAX_ITEMS];
    const uint8_t *column[MAX_ITEMS];
    Py_ssize_t k = get_columns(columns, views, column, n);
    if (k < 0) {
        goto done;
    }
    double patterns = 1;
    int64_t place[MAX_ITEMS];
    for (Py_ssize_t j = 0; j < k; j++) {
        /* converted to an integer only while it is small: a double beyond int64 would
           make the conversion undefined */
        place[j] = patterns <= (double)(1 << 30) ? (int64_t)patterns : 0;
        patterns *= points;
    }
    if (reverse.len != k || points < 1 || points > 254 || patterns > (double)(1 << 30)
        || counts.len != (Py_ssize_t)patterns * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "pattern_histogram: inconsistent buffers");
        goto release;
    }
    const uint8_t *flip = (const uint8_t *)reverse.buf;
    int64_t *count = (int64_t *)counts.buf;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    int32_t pattern[BLOCK];  /* below 2^30: checked above */
    uint8_t complete[BLOCK];
    uint8_t top = 0;
    for (Py_ssize_t base = 0; base < n; base += BLOCK) {
        const Py_ssize_t m = n - base < BLOCK ? n - base : BLOCK;
        memset(pattern, 0, sizeof(pattern));
        memset(complete, 1, sizeof(complete));
        for (Py_ssize_t j = 0; j < k; j++) {
            const uint8_t *code = column[j] + base;
            const int32_t weight = (int32_t)place[j];
            const int32_t mirror = flip[j] ? points : -1;
            for (Py_ssize_t i = 0; i < m; i++) {
                const uint8_t c = code[i];
                top = c > top ? c : top;
                complete[i] &= c != 0;
                /* keyed code - 1: points - c when reverse keyed, else c - 1 */
                pattern[i] += (flip[j] ? mirror - c : c + mirror) * weight;
            }
        }
        if (top > points) {
            break;  /* before a pattern beyond the histogram is counted */
        }
        for (Py_ssize_t i = 0; i < m; i++) {
            if (complete[i]) {
                count[pattern[i]]++;
            }
        }
    }
    bad = top > points;
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "pattern_histogram: a code is above the scale");
        goto release;
    }
    result = Py_NewRef(Py_None);
release:
    release_buffers(views, k);
done:
    PyBuffer_Release(&reverse);
    PyBuffer_Release(&counts);
    return result;
}

static PyMethodDef fast_methods[] = {
    {"count_lines", fast_count_lines, METH_VARARGS, "Newline bytes in data[start:end]."},
    {"unit_histogram", fast_unit_histogram, METH_VARARGS,
     "Count one scale's (unit, keyed sum, answered) combinations."},
    {"pattern_histogram", fast_pattern_histogram, METH_VARARGS,
     "Count one scale's answer patterns among respondents who answered every item."},
    {"parse", fast_parse, METH_VARARGS,
     "Read plain responses rows into one-byte codes and cell offsets; rows or -1."},
    {"encode", fast_encode, METH_VARARGS,
     "Number the distinct cells of a text column; their count, or -1 to fall back."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT, "_fast",
    "Optional accelerator for large responses files (see fastread.py and coded.py).", -1,
    fast_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__fast(void)
{
    return PyModule_Create(&fast_module);
}
