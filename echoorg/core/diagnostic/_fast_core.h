/*
 * The parsing core of _fast.c in plain C (no Python): reading the rows of a plain
 * responses file into one-byte codes, and numbering the distinct cells of a text column.
 *
 * Kept apart so that a standalone harness (tests/core/fast_harness.c) can compile these
 * very functions with AddressSanitizer and run them over generated files, and so that
 * every read can be checked against one rule: no byte at or after `end` (or `size`) is
 * ever read. Each read of buf[pos] below is preceded by a `pos < end` test.
 */

#ifndef ECHOORG_FAST_CORE_H
#define ECHOORG_FAST_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef Py_PYTHON_H
typedef ptrdiff_t Py_ssize_t;  /* the harness has no Python.h */
#endif

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static Py_ssize_t
parse_range(const unsigned char *buf, Py_ssize_t pos, Py_ssize_t end,
            const int64_t *slots, Py_ssize_t n_fields, long low, long high,
            uint8_t *codes, Py_ssize_t n_total, Py_ssize_t row, Py_ssize_t row_limit,
            int64_t *key_start, int64_t *key_len, uint64_t *key_hash, int *non_ascii)
{
    const Py_ssize_t first_row = row;
    while (pos < end) {
        if (row >= row_limit) {
            return -1;
        }
        for (int f = 0; f < 2; f++) {
            Py_ssize_t a, b;
            if (pos >= end) {
                /* the data ends after `respondent,`: no unit cell. (Reading buf[pos] here
                   read one byte past the buffer, and a quote there sent memchr a length
                   of -1, that is SIZE_MAX.) */
                return -1;
            }
            if (buf[pos] == '"') {
                a = pos + 1;
                const unsigned char *quote = memchr(buf + a, '"', (size_t)(end - a));
                if (quote == NULL) {
                    return -1;
                }
                b = quote - buf;
                pos = b + 1;
            }
            else {
                a = pos;
                b = a;
                while (b < end && buf[b] != ',' && buf[b] != '\n' && buf[b] != '\r') {
                    b++;
                }
                pos = b;
            }
            /* a cell is followed by a comma: at least one item column comes after it */
            if (pos >= end || buf[pos] != ',' || b == a) {
                return -1;
            }
            pos++;
            /* leading or trailing spaces, control or non-ASCII bytes: the general reader
               trims Unicode white space, so leave such cells to it */
            if (buf[a] <= ' ' || buf[b - 1] <= ' ' || buf[a] >= 0x80 || buf[b - 1] >= 0x80) {
                return -1;
            }
            uint64_t hash = FNV_OFFSET;
            unsigned char seen = 0;
            for (Py_ssize_t i = a; i < b; i++) {
                const unsigned char c = buf[i];
                if (c == '"' || c == '\n' || c == '\r') {
                    return -1;  /* an escaped quote or a line break inside a cell */
                }
                seen |= c;
                hash = (hash ^ c) * FNV_PRIME;
            }
            if (f == 0 && (seen & 0x80)) {
                *non_ascii = 1;
            }
            key_start[f * n_total + row] = a;
            key_len[f * n_total + row] = b - a;
            key_hash[f * n_total + row] = hash;
        }
        for (Py_ssize_t j = 0; j < n_fields; j++) {
            int quoted = 0;
            if (pos < end && buf[pos] == '"') {
                quoted = 1;
                pos++;
            }
            long value = 0;
            int digits = 0;
            if (pos + 1 < end && buf[pos] == 'N' && buf[pos + 1] == 'A') {
                pos += 2;  /* NA, as R writes a missing answer: a blank */
            }
            else {
                while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
                    if (digits == 1 && value == 0) {
                        return -1;  /* a leading zero */
                    }
                    value = value * 10 + (buf[pos] - '0');
                    if (++digits > 3) {
                        return -1;
                    }
                    pos++;
                }
                if (digits && pos < end && buf[pos] == '.') {
                    pos++;  /* 3.0, as pandas writes whole numbers in a column with blanks */
                    while (pos < end && buf[pos] == '0') {
                        pos++;
                    }
                }
            }
            if (quoted) {
                if (pos >= end || buf[pos] != '"') {
                    return -1;
                }
                pos++;
            }
            if (j == n_fields - 1) {
                if (pos < end) {
                    if (buf[pos] == '\n') {
                        pos++;
                    }
                    else if (buf[pos] == '\r' && pos + 1 < end && buf[pos + 1] == '\n') {
                        pos += 2;
                    }
                    else {
                        return -1;
                    }
                }
            }
            else {
                if (pos >= end || buf[pos] != ',') {
                    return -1;
                }
                pos++;
            }
            uint8_t code = 0;
            if (digits) {
                if (value < low || value > high) {
                    return -1;
                }
                code = (uint8_t)(value - low + 1);
            }
            codes[slots[j] * n_total + row] = code;
        }
        row++;
    }
    return row - first_row;
}

/* -2: out of memory; -1: two different cells with one hash, or a cell outside data */
static Py_ssize_t
encode_keys(const unsigned char *buf, Py_ssize_t size, const int64_t *start,
            const int64_t *len, const uint64_t *hash, Py_ssize_t n, int64_t *codes,
            int64_t *first)
{
    size_t capacity = 16;
    while (capacity < (size_t)n * 2) {
        capacity <<= 1;
    }
    int64_t *table = malloc(capacity * sizeof(int64_t));
    if (table == NULL) {
        return -2;
    }
    memset(table, 0xff, capacity * sizeof(int64_t));  /* every slot -1: empty */
    const size_t mask = capacity - 1;
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (start[i] < 0 || len[i] < 0 || start[i] > size || len[i] > size - start[i]) {
            distinct = -1;
            break;
        }
        size_t slot = (size_t)(hash[i] & mask);
        for (;;) {
            const int64_t code = table[slot];
            if (code < 0) {
                table[slot] = distinct;
                first[distinct] = i;
                codes[i] = distinct;
                distinct++;
                break;
            }
            const int64_t other = first[code];
            if (hash[other] == hash[i]) {
                if (len[other] != len[i]
                    || memcmp(buf + start[other], buf + start[i], (size_t)len[i]) != 0) {
                    free(table);
                    return -1;
                }
                codes[i] = code;
                break;
            }
            slot = (slot + 1) & mask;
        }
    }
    free(table);
    return distinct;
}

#endif
