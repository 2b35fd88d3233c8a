package views

import (
	"fmt"
	"strings"
	"testing"
)

func pushTexts(b *logBuf, texts ...string) {
	for _, t := range texts {
		b.push(logLine{text: t, ascii: isASCII(t)})
	}
}

func heldTexts(b *logBuf) []string {
	var out []string
	for seq := b.First(); seq < b.Next(); seq++ {
		out = append(out, b.at(seq).text)
	}
	return out
}

// A full ring drops its oldest lines, keeps the rest in order and counts what it dropped.
func TestLogBufRingWrapsKeepsOrderAndCountsDropped(t *testing.T) {
	b := newLogBuf(5)
	for i := range 12 {
		pushTexts(b, fmt.Sprintf("line %d", i))
	}
	if b.Len() != 5 {
		t.Fatalf("holds %d lines, want 5", b.Len())
	}
	want := "line 7,line 8,line 9,line 10,line 11"
	if got := strings.Join(heldTexts(b), ","); got != want {
		t.Errorf("held %s, want %s", got, want)
	}
	if b.Dropped() != 7 {
		t.Errorf("dropped %d, want 7", b.Dropped())
	}
	if cap(b.lines) > 5 {
		t.Errorf("the ring's storage grew to %d for 5 lines", cap(b.lines))
	}
	b.reset()
	if b.Len() != 0 || b.Dropped() != 0 {
		t.Errorf("after reset: %d lines, %d dropped", b.Len(), b.Dropped())
	}
	pushTexts(b, "fresh")
	if got := heldTexts(b); len(got) != 1 || got[0] != "fresh" {
		t.Errorf("after reset and a push, held %q", got)
	}
}

// The search over a ring that wrapped finds the matches of the lines held, in order, forgets those of
// dropped lines as they go, and next/previous wrap around.
func TestLogBufSearchOverWrappedRing(t *testing.T) {
	b := newLogBuf(4)
	pushTexts(b, "error 0", "ok", "ERROR 2 Error", "ok", "error 4", "ok")
	b.setQuery("Error")
	// Held: "ERROR 2 Error", "ok", "error 4", "ok" (seqs 2..5).
	if b.Matches() != 3 {
		t.Fatalf("%d matches, want 3 (error 0 was dropped)", b.Matches())
	}
	m, wrapped, _ := b.nextAfter(logMatch{-1, 0})
	if m != (logMatch{2, 0}) || wrapped {
		t.Errorf("first match %+v wrapped=%v, want seq 2 off 0", m, wrapped)
	}
	m, _, _ = b.nextMatch(logMatch{})
	if m != (logMatch{2, 8}) {
		t.Errorf("second match %+v, want seq 2 off 8", m)
	}
	m, _, _ = b.nextMatch(logMatch{})
	if m != (logMatch{4, 0}) {
		t.Errorf("third match %+v, want seq 4 off 0", m)
	}
	m, wrapped, _ = b.nextMatch(logMatch{})
	if m != (logMatch{2, 0}) || !wrapped {
		t.Errorf("after the last match next gave %+v wrapped=%v, want the first, wrapped", m, wrapped)
	}
	m, wrapped, _ = b.prevMatch(logMatch{})
	if m != (logMatch{4, 0}) || !wrapped {
		t.Errorf("before the first match prev gave %+v wrapped=%v, want the last, wrapped", m, wrapped)
	}
	if _, i, _ := b.Current(); i != 2 {
		t.Errorf("current index %d, want 2", i)
	}

	// New lines are searched as they come; the matches of lines pushed out go with them.
	pushTexts(b, "no", "still no", "an error")
	// Held: "error 4", "ok", "still no"... seqs 5..8: "ok", "no", "still no", "an error".
	if got := heldTexts(b); got[0] != "ok" {
		t.Fatalf("held %q", got)
	}
	if b.Matches() != 1 {
		t.Errorf("%d matches after the ring moved on, want 1", b.Matches())
	}
	if _, _, ok := b.Current(); ok {
		t.Error("the current match was on a dropped line but is still current")
	}
	if offs := b.matchesOn(8); len(offs) != 1 || offs[0] != 3 {
		t.Errorf("matches on the newest line %v, want [3]", offs)
	}
}

// Case folding keeps byte offsets valid, also for runes whose lower case has another length.
func TestLogBufSearchFoldsCaseWithoutShiftingOffsets(t *testing.T) {
	b := newLogBuf(10)
	text := "İstanbul ÉCHEC: échec total"
	pushTexts(b, text)
	b.setQuery("ÉCHEC")
	offs := b.matchesOn(0)
	if len(offs) != 2 {
		t.Fatalf("matches %v, want 2", offs)
	}
	for _, off := range offs {
		if got := text[off : off+len(b.Query())]; !strings.EqualFold(got, "échec") {
			t.Errorf("match at %d is %q, not the word searched", off, got)
		}
	}
	b.setQuery("")
	if b.Matches() != 0 {
		t.Error("an empty query still has matches")
	}
}
