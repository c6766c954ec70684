/*
 * Runs the accelerator's parsing core (echoorg/core/diagnostic/_fast_core.h) over files,
 * for tests/core/test_fast_memory.py, which builds it with AddressSanitizer.
 *
 * Usage: fast_harness LOW HIGH FILE...
 * Each file is copied into a heap block of exactly its size (so a read one byte past the
 * end is caught), its header (up to the first newline) gives the number of item columns,
 * and the rows after it are parsed as _fast.parse does, in one piece and then split at
 * every newline as the threads split them; when a piece reads, both text columns are
 * numbered as _fast.encode does. Prints one line per file: the rows read (or -1).
 */

#include <stdio.h>

#include "_fast_core.h"

static unsigned char *
read_whole(const char *path, Py_ssize_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return NULL;
    }
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc(length > 0 ? (size_t)length : 1);
    if (data != NULL && length > 0 && fread(data, 1, (size_t)length, file) != (size_t)length) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *size = length;
    return data;
}

static Py_ssize_t
run(const unsigned char *data, Py_ssize_t start, Py_ssize_t end, Py_ssize_t n_fields,
    long low, long high, Py_ssize_t rows)
{
    int64_t *slots = malloc(sizeof(int64_t) * (size_t)n_fields);
    uint8_t *codes = calloc((size_t)(n_fields * rows) + 1, 1);
    int64_t *key_start = malloc(sizeof(int64_t) * (size_t)(2 * rows + 1));
    int64_t *key_len = malloc(sizeof(int64_t) * (size_t)(2 * rows + 1));
    uint64_t *key_hash = malloc(sizeof(uint64_t) * (size_t)(2 * rows + 1));
    for (Py_ssize_t j = 0; j < n_fields; j++) {
        slots[j] = j;
    }
    int non_ascii = 0;
    Py_ssize_t got = parse_range(data, start, end, slots, n_fields, low, high, codes, rows,
                                 0, rows, key_start, key_len, key_hash, &non_ascii);
    if (got == rows && rows > 0) {
        int64_t *numbers = malloc(sizeof(int64_t) * (size_t)rows);
        int64_t *first = malloc(sizeof(int64_t) * (size_t)rows);
        for (int f = 0; f < 2; f++) {
            encode_keys(data, end, key_start + f * rows, key_len + f * rows,
                        key_hash + f * rows, rows, numbers, first);
        }
        free(numbers);
        free(first);
    }
    free(slots);
    free(codes);
    free(key_start);
    free(key_len);
    free(key_hash);
    return got;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: fast_harness LOW HIGH FILE...\n");
        return 2;
    }
    const long low = strtol(argv[1], NULL, 10), high = strtol(argv[2], NULL, 10);
    for (int i = 3; i < argc; i++) {
        Py_ssize_t size = 0;
        unsigned char *data = read_whole(argv[i], &size);
        if (data == NULL) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 2;
        }
        Py_ssize_t start = 0, fields = 0;
        while (start < size && data[start] != '\n') {
            fields += data[start] == ',';
            start++;
        }
        start += start < size;  /* past the header's newline */
        fields -= 1;  /* respondent,unit,<items>: commas less one */
        Py_ssize_t lines = 0;
        for (Py_ssize_t p = start; p < size; p++) {
            lines += data[p] == '\n';
        }
        lines += size > start && data[size - 1] != '\n';
        Py_ssize_t whole = -1;
        if (fields > 0) {
            whole = run(data, start, size, fields, low, high, lines);
            /* every row on its own, as the smallest pieces the threads could get */
            for (Py_ssize_t a = start, b = start; a < size; a = b) {
                while (b < size && data[b] != '\n') {
                    b++;
                }
                b += b < size;
                unsigned char *piece = malloc((size_t)(b - a) + 1);
                memcpy(piece, data + a, (size_t)(b - a));
                run(piece, 0, b - a, fields, low, high, 1);
                free(piece);
            }
        }
        printf("%ld\n", (long)whole);
        free(data);
    }
    return 0;
}
