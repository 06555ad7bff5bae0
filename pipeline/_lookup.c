/* The delete-index lookup of ``Lexicon._candidate_ids`` in C: the corrector's hottest loop.

   Same result as the Python in lexicon.py (tests/test_native_lookup.py compares them): the ids
   of the listed words within ``max_distance`` (Levenshtein) of ``word``, found through the
   deletes of its first ``prefix_length`` letters (SymSpell), each with its distance.
   In Python each of the few hundred ids a word's deletes list becomes an int object put in a
   set, and each of the survivors a call into rapidfuzz; here an id is a stamp in an array and a
   distance a few cells of a banded table, so a lookup costs a tenth of the time.
   Built with the mypyc modules (pipeline/native.py); without a build the Python runs. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define FAR (1 << 20) /* a cell outside the band: further than any cutoff */
#define STACK_CELLS 256

/* seen[id] == stamp: the id was already taken in this lookup (no clearing between lookups). */
static uint32_t *seen = NULL;
static Py_ssize_t seen_size = 0;
static uint32_t stamp = 0;

static int
start_lookup(Py_ssize_t ids)
{
    if (ids > seen_size) {
        uint32_t *grown = PyMem_Calloc((size_t)ids, sizeof(uint32_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        PyMem_Free(seen);
        seen = grown;
        seen_size = ids;
        stamp = 0;
    }
    if (++stamp == 0) { /* wrapped: old stamps could match again */
        memset(seen, 0, (size_t)seen_size * sizeof(uint32_t));
        stamp = 1;
    }
    return 0;
}

/* Adds to ``keys`` every string up to ``depth`` deletions from s[0:n] (none below length 1);
   s itself is already in. A key met before has the same length, so the same deletions below. */
static int
add_deletes(PyObject *keys, const Py_UCS4 *s, Py_ssize_t n, int depth)
{
    if (depth <= 0 || n < 2) {
        return 0;
    }
    Py_UCS4 buf[STACK_CELLS];
    for (Py_ssize_t i = 0; i < n; i++) {
        memcpy(buf, s, (size_t)i * sizeof(Py_UCS4));
        memcpy(buf + i, s + i + 1, (size_t)(n - i - 1) * sizeof(Py_UCS4));
        PyObject *key = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n - 1);
        if (key == NULL) {
            return -1;
        }
        int known = PySet_Contains(keys, key);
        if (known == 0 && (PySet_Add(keys, key) < 0 || add_deletes(keys, buf, n - 1, depth - 1) < 0)) {
            known = -1;
        }
        Py_DECREF(key);
        if (known < 0) {
            return -1;
        }
    }
    return 0;
}

/* Levenshtein distance of a[0:n] and b, or cutoff + 1 when it is larger: only the cells within
   ``cutoff`` of the diagonal can hold a distance that small. */
static int
banded_distance(const Py_UCS4 *a, Py_ssize_t n, PyObject *b, int cutoff)
{
    Py_ssize_t m = PyUnicode_GET_LENGTH(b);
    if (m - n > cutoff || n - m > cutoff) {
        return cutoff + 1;
    }
    int kind = PyUnicode_KIND(b);
    const void *data = PyUnicode_DATA(b);
    int stack[2 * STACK_CELLS];
    int *cells = m + 2 <= STACK_CELLS ? stack : PyMem_Malloc(2 * (size_t)(m + 2) * sizeof(int));
    if (cells == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    int *prev = cells, *cur = cells + m + 2;
    for (Py_ssize_t j = 0; j <= m + 1; j++) {
        prev[j] = j <= cutoff ? (int)j : FAR;
    }
    int result = cutoff + 1;
    Py_ssize_t i;
    for (i = 1; i <= n; i++) {
        Py_ssize_t lo = i - cutoff > 1 ? i - cutoff : 1;
        Py_ssize_t hi = i + cutoff < m ? i + cutoff : m;
        cur[lo - 1] = lo == 1 ? (int)i : FAR;
        int row_min = cur[lo - 1];
        Py_UCS4 c = a[i - 1];
        for (Py_ssize_t j = lo; j <= hi; j++) {
            int v = prev[j - 1] + (c != PyUnicode_READ(kind, data, j - 1));
            if (prev[j] + 1 < v) {
                v = prev[j] + 1;
            }
            if (cur[j - 1] + 1 < v) {
                v = cur[j - 1] + 1;
            }
            cur[j] = v;
            if (v < row_min) {
                row_min = v;
            }
        }
        if (hi < m) {
            cur[hi + 1] = FAR;
        }
        if (row_min > cutoff) {
            break;
        }
        int *swap = prev;
        prev = cur;
        cur = swap;
    }
    if (i > n && prev[m] <= cutoff) {
        result = prev[m];
    }
    if (cells != stack) {
        PyMem_Free(cells);
    }
    return result;
}

/* Takes the ids of one index entry (an int, or packed native int32s in bytes) that are new to
   this lookup and within the distance, appending (id, distance) to ``found``. */
static int
take_entry(PyObject *entry, PyObject *words, const unsigned char *lengths, const Py_UCS4 *word, Py_ssize_t n,
           int max_distance, PyObject *found)
{
    int32_t single;
    const int32_t *ids;
    Py_ssize_t count;
    if (PyLong_CheckExact(entry)) {
        single = (int32_t)PyLong_AsLong(entry);
        if (single == -1 && PyErr_Occurred()) {
            return -1;
        }
        ids = &single;
        count = 1;
    }
    else if (PyBytes_CheckExact(entry)) {
        ids = (const int32_t *)PyBytes_AS_STRING(entry);
        count = PyBytes_GET_SIZE(entry) / (Py_ssize_t)sizeof(int32_t);
    }
    else {
        PyErr_SetString(PyExc_TypeError, "delete index entry is neither int nor bytes");
        return -1;
    }
    Py_ssize_t listed = PyList_GET_SIZE(words);
    for (Py_ssize_t k = 0; k < count; k++) {
        int32_t id = ids[k];
        if (id < 0 || id >= listed) {
            PyErr_Format(PyExc_IndexError, "delete index names word %d of %zd", (int)id, listed);
            return -1;
        }
        if (seen[id] == stamp) {
            continue;
        }
        seen[id] = stamp;
        Py_ssize_t length = lengths[id]; /* 255: that long or longer */
        if (length < 255 && (length - n > max_distance || n - length > max_distance)) {
            continue; /* decided without touching the word itself */
        }
        PyObject *candidate = PyList_GET_ITEM(words, id);
        if (!PyUnicode_Check(candidate)) {
            PyErr_SetString(PyExc_TypeError, "listed word is not a str");
            return -1;
        }
        int distance = banded_distance(word, n, candidate, max_distance);
        if (distance < 0) {
            return -1;
        }
        if (distance <= max_distance) {
            PyObject *pair = Py_BuildValue("(ii)", (int)id, distance);
            if (pair == NULL || PyList_Append(found, pair) < 0) {
                Py_XDECREF(pair);
                return -1;
            }
            Py_DECREF(pair);
        }
    }
    return 0;
}

static PyObject *
candidate_ids(PyObject *module, PyObject *args)
{
    PyObject *word_obj, *deletes, *words;
    int max_distance, prefix_length;
    const char *lengths;
    Py_ssize_t lengths_size;
    if (!PyArg_ParseTuple(args, "UiiO!O!y#:candidate_ids", &word_obj, &max_distance, &prefix_length, &PyDict_Type,
                          &deletes, &PyList_Type, &words, &lengths, &lengths_size)) {
        return NULL;
    }
    if (lengths_size != PyList_GET_SIZE(words)) {
        PyErr_SetString(PyExc_ValueError, "lengths and words differ in size");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(word_obj);
    Py_ssize_t head = n < prefix_length ? n : prefix_length;
    if (head >= STACK_CELLS || max_distance < 0) {
        PyErr_SetString(PyExc_ValueError, "prefix too long or negative distance");
        return NULL;
    }
    Py_UCS4 *word = PyUnicode_AsUCS4Copy(word_obj);
    if (word == NULL) {
        return NULL;
    }
    PyObject *found = PyList_New(0);
    PyObject *keys = PySet_New(NULL);
    PyObject *prefix = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, word, head);
    int failed = found == NULL || keys == NULL || prefix == NULL || PySet_Add(keys, prefix) < 0 ||
                 add_deletes(keys, word, head, max_distance) < 0 || start_lookup(PyList_GET_SIZE(words)) < 0;
    if (!failed) {
        PyObject *each = PyObject_GetIter(keys);
        PyObject *key;
        failed = each == NULL;
        while (!failed && (key = PyIter_Next(each)) != NULL) {
            PyObject *entry = PyDict_GetItemWithError(deletes, key);
            Py_DECREF(key);
            if (entry != NULL) {
                failed = take_entry(entry, words, (const unsigned char *)lengths, word, n, max_distance, found) < 0;
            }
            else {
                failed = PyErr_Occurred() != NULL;
            }
        }
        failed = failed || PyErr_Occurred() != NULL;
        Py_XDECREF(each);
    }
    PyMem_Free(word);
    Py_XDECREF(prefix);
    Py_XDECREF(keys);
    if (failed) {
        Py_XDECREF(found);
        return NULL;
    }
    return found;
}

static PyMethodDef methods[] = {
    {"candidate_ids", candidate_ids, METH_VARARGS,
     "candidate_ids(word, max_distance, prefix_length, deletes, words, lengths) -> [(id, distance)]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lookup", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__lookup(void)
{
    return PyModule_Create(&module);
}
