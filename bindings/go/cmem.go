package podc

/*
#include <stdlib.h>
#include <podc.h>
*/
import "C"

import (
	"sort"
	"time"
	"unsafe"
)

// cmem collects C allocations made for one library call; free releases them all. Strings
// and argv arrays handed to libpodc live in C memory, so no Go pointer is ever passed.
type cmem struct {
	ptrs    []unsafe.Pointer
	errSlot **C.podc_error // see ep
}

// ep is the optional podc_error ** handed to builder setters: one slot in C memory per cmem,
// emptied by setterError and before each use (nil when out of memory: the setter then reports
// only its code).
func (m *cmem) ep() **C.podc_error {
	if m.errSlot == nil {
		m.errSlot = (**C.podc_error)(C.calloc(1, C.size_t(unsafe.Sizeof((*C.podc_error)(nil)))))
	} else if *m.errSlot != nil { // left by a call whose rc was checked without setterError
		C.podc_error_free(*m.errSlot)
		*m.errSlot = nil
	}
	return m.errSlot
}

// str copies s into C memory.
func (m *cmem) str(s string) *C.char {
	p := C.CString(s)
	m.ptrs = append(m.ptrs, unsafe.Pointer(p))
	return p
}

// opt is str, but "" gives NULL (the library's "not set").
func (m *cmem) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return m.str(s)
}

// argv copies list into a C array of C strings (NULL-terminated when nullTerm). An empty
// list without nullTerm gives NULL, 0.
func (m *cmem) argv(list []string, nullTerm bool) (**C.char, C.size_t) {
	n := len(list)
	size := n
	if nullTerm {
		size++
	}
	if size == 0 {
		return nil, 0
	}
	arr := (**C.char)(C.calloc(C.size_t(size), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	if arr == nil {
		panic("podc: out of memory")
	}
	m.ptrs = append(m.ptrs, unsafe.Pointer(arr))
	s := unsafe.Slice(arr, size)
	for i, v := range list {
		s[i] = m.str(v)
	}
	return arr, C.size_t(n)
}

// filters makes a podc_filters (free it with C.podc_filters_free): a "label" filter per key
// of labels ("k=v", or "k" for an empty value), then key/value pairs (an empty value is left
// out).
func (m *cmem) filters(labels map[string]string, pairs ...string) (*C.podc_filters, error) {
	f := C.podc_filters_new()
	if f == nil {
		return nil, invalidOr(ErrNoMemory, "", "podc_filters_new: out of memory")
	}
	add := func(k, v string) error {
		return m.setterError(C.podc_filters_add(f, m.str(k), m.str(v), m.ep()), "filters")
	}
	var err error
	for _, k := range sortedKeys(labels) {
		v := k
		if labels[k] != "" {
			v = k + "=" + labels[k]
		}
		if err == nil {
			err = add("label", v)
		}
	}
	for i := 0; err == nil && i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			err = add(pairs[i], pairs[i+1])
		}
	}
	if err != nil {
		C.podc_filters_free(f)
		return nil, err
	}
	return f, nil
}

func (m *cmem) free() {
	for _, p := range m.ptrs {
		C.free(p)
	}
	m.ptrs = nil
	if m.errSlot != nil {
		C.podc_error_free(*m.errSlot) // a setter's error nobody asked for
		C.free(unsafe.Pointer(m.errSlot))
		m.errSlot = nil
	}
}

type ordered interface{ ~int | ~string }

// sortedKeys gives map keys in order, so specs are built the same way on every run.
func sortedKeys[K ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// ms converts a duration to milliseconds: a positive one is rounded up (a small positive
// duration must not become 0, which often means "default" or "none"), a negative one is -1.
func ms(d time.Duration) C.int64_t {
	switch {
	case d < 0:
		return -1
	case d == 0:
		return 0
	}
	return C.int64_t((d + time.Millisecond - 1) / time.Millisecond)
}
