package cluster

import (
	"sort"
	"strings"
	"sync"
	"unique"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Interning: at 150,000 pods the same few strings (namespaces, node names, owner kinds and names,
// statuses) and the same few resource totals repeat across the pod rows and the pod cache's keys.
// Each is kept once and shared. Everything interned is read-only afterwards, as all cached data is.

// intern returns the canonical copy of s. unique's table is weak: a string no object uses any more
// leaves it.
func intern(s string) string {
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}

// maxInternedMaps bounds each map table; when full it starts afresh, so a long session whose
// workloads churn keeps only recent shapes (objects keep the maps they already point to).
const maxInternedMaps = 4096

// mapTable shares maps of equal content.
type mapTable[M ~map[K]V, K ~string, V any] struct {
	mu    sync.Mutex
	byKey map[string]M
	key   func(M) string
}

func (t *mapTable[M, K, V]) intern(m M) M {
	if len(m) == 0 {
		return nil
	}
	k := t.key(m)
	t.mu.Lock()
	defer t.mu.Unlock()
	if shared, ok := t.byKey[k]; ok {
		return shared
	}
	if t.byKey == nil || len(t.byKey) >= maxInternedMaps {
		t.byKey = map[string]M{}
	}
	t.byKey[k] = m
	return m
}

// sortedKeys returns m's keys in order, so equal maps make equal keys.
func sortedKeys[M ~map[K]V, K ~string, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

var resourceLists = &mapTable[corev1.ResourceList, corev1.ResourceName, resource.Quantity]{key: func(l corev1.ResourceList) string {
	var b strings.Builder
	for _, name := range sortedKeys(l) {
		q := l[name]
		b.WriteString(string(name))
		b.WriteByte('=')
		b.WriteString(q.String())
		b.WriteByte(';')
	}
	return b.String()
}}

// internResources shares a resource list with every equal one.
func internResources(l corev1.ResourceList) corev1.ResourceList { return resourceLists.intern(l) }
