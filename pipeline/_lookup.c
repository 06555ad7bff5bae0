/* The delete-index lookup of ``Lexicon._candidate_ids`` in C: the corrector's hottest loop; and
   the same lookup and verification for keys made in Python (``Lexicon._far_ids``).

   Same result as the Python in lexicon.py (tests/test_native_lookup.py compares them): the ids
   of the listed words within ``max_distance`` (Levenshtein) of ``word``, found through the
   deletes of its first ``prefix_length`` letters (SymSpell), each with its distance.
   In Python each of the few hundred ids a word's deletes list becomes an int object put in a
   set, and each of the survivors a call into rapidfuzz; here an id is a slot in a small table
   made for the lookup and a distance a few cells of a banded table, so a lookup costs a third of
   the time. No state outlives a call.
   Built with the mypyc modules (pipeline/native.py); without a build the Python runs. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define FAR (1 << 20) /* a cell outside the band: further than any cutoff */
#define STACK_CELLS 256

/* The ids one lookup has taken: open addressing over a power-of-two table, EMPTY in free slots. */
#define EMPTY UINT32_MAX

typedef struct {
    uint32_t *slots;
    size_t mask;
} IdSet;

static int
id_set_init(IdSet *set, size_t ids)
{
    size_t size = 16;
    while (size < 2 * ids) {
        size *= 2;
    }
    set->slots = PyMem_Malloc(size * sizeof(uint32_t));
    if (set->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(set->slots, 0xff, size * sizeof(uint32_t));
    set->mask = size - 1;
    return 0;
}

/* 1 when ``id`` was not in the set (and now is), 0 when it was. */
static int
id_set_add(IdSet *set, uint32_t id)
{
    size_t i = ((size_t)id * 2654435761u) & set->mask;
    while (set->slots[i] != EMPTY) {
        if (set->slots[i] == id) {
            return 0;
        }
        i = (i + 1) & set->mask;
    }
    set->slots[i] = id;
    return 1;
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

/* The ids of one index entry: an int, or packed native int32s in bytes. */
static int
entry_ids(PyObject *entry, int32_t *single, const int32_t **ids, Py_ssize_t *count)
{
    if (PyLong_CheckExact(entry)) {
        long id = PyLong_AsLong(entry);
        if (id == -1 && PyErr_Occurred()) {
            return -1;
        }
        *single = (int32_t)id;
        *ids = single;
        *count = 1;
        return 0;
    }
    if (PyBytes_CheckExact(entry)) {
        *ids = (const int32_t *)PyBytes_AS_STRING(entry);
        *count = PyBytes_GET_SIZE(entry) / (Py_ssize_t)sizeof(int32_t);
        return 0;
    }
    PyErr_SetString(PyExc_TypeError, "delete index entry is neither int nor bytes");
    return -1;
}

/* Appends (id, distance) to ``found`` for each id of ``entry`` new to ``taken`` and within the
   distance of ``word``; a word's length, from ``lengths``, rules most out before its text is read. */
static int
take_entry(PyObject *entry, IdSet *taken, PyObject *words, const unsigned char *lengths, const Py_UCS4 *word,
           Py_ssize_t n, int max_distance, PyObject *found)
{
    int32_t single;
    const int32_t *ids;
    Py_ssize_t count;
    if (entry_ids(entry, &single, &ids, &count) < 0) {
        return -1;
    }
    Py_ssize_t listed = PyList_GET_SIZE(words);
    for (Py_ssize_t k = 0; k < count; k++) {
        int32_t id = ids[k];
        if (id < 0 || id >= listed) {
            PyErr_Format(PyExc_IndexError, "delete index names word %d of %zd", (int)id, listed);
            return -1;
        }
        if (!id_set_add(taken, (uint32_t)id)) {
            continue;
        }
        Py_ssize_t length = lengths[id]; /* 255: that long or longer */
        if (length < 255 && (length - n > max_distance || n - length > max_distance)) {
            continue;
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

/* The index entries of ``keys`` (borrowed from ``deletes``, which no code run here changes), and
   how many ids they hold in all; NULL with an error set on failure. */
static PyObject **
gather_entries(PyObject *keys, PyObject *deletes, Py_ssize_t *entries, size_t *ids)
{
    PyObject **found = PyMem_Malloc(((size_t)PySet_GET_SIZE(keys) + 1) * sizeof(PyObject *));
    PyObject *each = found == NULL ? NULL : PyObject_GetIter(keys);
    if (each == NULL) {
        PyMem_Free(found);
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return NULL;
    }
    PyObject *key;
    *entries = 0;
    *ids = 0;
    while ((key = PyIter_Next(each)) != NULL) {
        PyObject *entry = PyDict_GetItemWithError(deletes, key);
        Py_DECREF(key);
        if (entry != NULL) {
            found[(*entries)++] = entry;
            *ids += PyBytes_CheckExact(entry) ? (size_t)PyBytes_GET_SIZE(entry) / sizeof(int32_t) : 1;
        }
        else if (PyErr_Occurred()) {
            break;
        }
    }
    Py_DECREF(each);
    if (PyErr_Occurred()) {
        PyMem_Free(found);
        return NULL;
    }
    return found;
}

/* The (id, distance) pairs of the words ``keys`` find in ``index`` within ``max_distance`` of
   word[0:n]; NULL with an error set on failure. */
static PyObject *
ids_within(PyObject *keys, PyObject *index, PyObject *words, const unsigned char *lengths, const Py_UCS4 *word,
           Py_ssize_t n, int max_distance)
{
    PyObject *found = PyList_New(0);
    if (found == NULL) {
        return NULL;
    }
    Py_ssize_t entries = 0;
    size_t ids = 0;
    PyObject **entry = gather_entries(keys, index, &entries, &ids);
    IdSet taken = {NULL, 0};
    int failed = entry == NULL || id_set_init(&taken, ids) < 0;
    for (Py_ssize_t k = 0; !failed && k < entries; k++) {
        failed = take_entry(entry[k], &taken, words, lengths, word, n, max_distance, found) < 0;
    }
    PyMem_Free(taken.slots);
    PyMem_Free(entry);
    if (failed) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}

static int
same_size(const char *lengths, Py_ssize_t lengths_size, PyObject *words)
{
    if (lengths_size != PyList_GET_SIZE(words)) {
        PyErr_SetString(PyExc_ValueError, "lengths and words differ in size");
        return 0;
    }
    return 1;
}

static PyObject *
candidate_ids(PyObject *module, PyObject *args)
{
    PyObject *word_obj, *deletes, *words;
    int max_distance, prefix_length;
    const char *lengths;
    Py_ssize_t lengths_size;
    if (!PyArg_ParseTuple(args, "UiiO!O!y#:candidate_ids", &word_obj, &max_distance, &prefix_length, &PyDict_Type,
                          &deletes, &PyList_Type, &words, &lengths, &lengths_size) ||
        !same_size(lengths, lengths_size, words)) {
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
    PyObject *found = NULL;
    PyObject *keys = PySet_New(NULL);
    PyObject *prefix = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, word, head);
    if (keys != NULL && prefix != NULL && PySet_Add(keys, prefix) == 0 &&
        add_deletes(keys, word, head, max_distance) == 0) {
        found = ids_within(keys, deletes, words, (const unsigned char *)lengths, word, n, max_distance);
    }
    PyMem_Free(word);
    Py_XDECREF(prefix);
    Py_XDECREF(keys);
    return found;
}

/* ``Lexicon.far_candidates_by_prob``'s lookup: the keys come made from Python. */
static PyObject *
ids_of_keys(PyObject *module, PyObject *args)
{
    PyObject *word_obj, *keys, *index, *words;
    int max_distance;
    const char *lengths;
    Py_ssize_t lengths_size;
    if (!PyArg_ParseTuple(args, "UO!iO!O!y#:ids_of_keys", &word_obj, &PySet_Type, &keys, &max_distance,
                          &PyDict_Type, &index, &PyList_Type, &words, &lengths, &lengths_size) ||
        !same_size(lengths, lengths_size, words)) {
        return NULL;
    }
    if (max_distance < 0) {
        PyErr_SetString(PyExc_ValueError, "negative distance");
        return NULL;
    }
    Py_UCS4 *word = PyUnicode_AsUCS4Copy(word_obj);
    if (word == NULL) {
        return NULL;
    }
    PyObject *found =
        ids_within(keys, index, words, (const unsigned char *)lengths, word, PyUnicode_GET_LENGTH(word_obj), max_distance);
    PyMem_Free(word);
    return found;
}

static PyMethodDef methods[] = {
    {"candidate_ids", candidate_ids, METH_VARARGS,
     "candidate_ids(word, max_distance, prefix_length, deletes, words, lengths) -> [(id, distance)]"},
    {"ids_of_keys", ids_of_keys, METH_VARARGS,
     "ids_of_keys(word, keys, max_distance, index, words, lengths) -> [(id, distance)]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lookup", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__lookup(void)
{
    return PyModule_Create(&module);
}
