package views

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// logLine is one stored log line, already sanitised.
type logLine struct {
	ts     time.Time // from the line's prefix (pod logs); zero when it had none
	text   string    // the message, without the timestamp prefix
	lower  string    // text folded to lower case, filled on the first search
	folded bool      // lower is filled
	ascii  bool      // text is all ASCII: one byte is one cell

	// chunks are text's rows when wrapped at wrapW cells, kept so that a frame lays out only the
	// lines that are new on screen.
	chunks []logChunk
	wrapW  int
}

// logMatch is one occurrence of the search query: the line's sequence number and the byte offset in
// its text. A match is as long as the query.
type logMatch struct {
	seq int64
	off int
}

// before orders matches by line, then by position in the line.
func (m logMatch) before(o logMatch) bool {
	return m.seq < o.seq || m.seq == o.seq && m.off < o.off
}

// logBuf keeps the last max lines of a log in a fixed-size ring, with a case-insensitive substring
// search over them. Every line pushed gets a sequence number that only grows, across resets too, so
// scroll positions and matches stay valid while old lines drop off the front.
//
// The search is kept up to date as lines come and go: a pushed line is scanned once, and the matches
// of a dropped line are dropped with it, so the matches are always those of the lines held.
type logBuf struct {
	lines []logLine // grows to max, then is overwritten in place
	max   int
	start int   // index in lines of the oldest line
	next  int64 // sequence number of the next line pushed
	base  int64 // sequence number of the first line pushed since the last reset

	query   string // folded query; "" = no search
	qlen    int
	matches []logMatch // in order
	cur     int        // index in matches of the current match, -1 = none
}

// newLogBuf makes an empty ring of max lines (at least 1).
func newLogBuf(n int) *logBuf {
	return &logBuf{max: max(n, 1), cur: -1}
}

// Len is the number of lines held.
func (b *logBuf) Len() int { return len(b.lines) }

// First is the sequence number of the oldest line held (== Next when empty).
func (b *logBuf) First() int64 { return b.next - int64(len(b.lines)) }

// Next is the sequence number the next line will get; Next-1 is the newest line.
func (b *logBuf) Next() int64 { return b.next }

// Dropped is how many lines were pushed out of the ring since the last reset.
func (b *logBuf) Dropped() int64 { return b.First() - b.base }

// at returns the line with sequence number seq, which must be held.
func (b *logBuf) at(seq int64) *logLine {
	i := (b.start + int(seq-b.First())) % len(b.lines)
	return &b.lines[i]
}

// push appends a line, dropping the oldest when the ring is full.
func (b *logBuf) push(l logLine) {
	seq := b.next
	b.next++
	if len(b.lines) < b.max {
		if len(b.lines) == cap(b.lines) {
			// Grow as append would, but never past the ring's size.
			grown := make([]logLine, len(b.lines), min(max(2*cap(b.lines), 256), b.max))
			copy(grown, b.lines)
			b.lines = grown
		}
		b.lines = append(b.lines, l)
	} else {
		b.lines[b.start] = l
		b.start = (b.start + 1) % b.max
		b.dropFront()
	}
	if b.query != "" {
		for _, off := range b.find(seq) {
			b.matches = append(b.matches, logMatch{seq, off})
		}
	}
}

// dropFront forgets the matches of lines no longer held.
func (b *logBuf) dropFront() {
	first := b.First()
	n := 0
	for n < len(b.matches) && b.matches[n].seq < first {
		n++
	}
	if n == 0 {
		return
	}
	b.matches = b.matches[n:]
	switch {
	case b.cur < 0:
	case b.cur < n:
		b.cur = -1
	default:
		b.cur -= n
	}
}

// reset forgets every line (the sequence numbers go on) and the matches, keeping the query.
func (b *logBuf) reset() {
	clear(b.lines)
	b.lines = b.lines[:0]
	b.start = 0
	b.base = b.next
	b.matches = nil
	b.cur = -1
}

// lower returns the folded text of a held line, folding it on first use.
func (b *logBuf) lower(seq int64) string {
	l := b.at(seq)
	if !l.folded {
		l.lower, l.folded = foldLower(l.text, l.ascii), true
	}
	return l.lower
}

// find returns the byte offsets of the query's occurrences in a held line, not overlapping.
func (b *logBuf) find(seq int64) []int {
	if b.query == "" {
		return nil
	}
	s := b.lower(seq)
	var out []int
	for i := 0; ; {
		j := strings.Index(s[i:], b.query)
		if j < 0 {
			return out
		}
		out = append(out, i+j)
		i += j + b.qlen
	}
}

// setQuery searches the lines held for q (case-insensitive, plain substring); "" ends the search.
func (b *logBuf) setQuery(q string) {
	b.query = foldLower(q, isASCII(q))
	b.qlen = len(b.query)
	b.matches = nil
	b.cur = -1
	if b.query == "" {
		return
	}
	for seq := b.First(); seq < b.next; seq++ {
		for _, off := range b.find(seq) {
			b.matches = append(b.matches, logMatch{seq, off})
		}
	}
}

// Query is the folded query, "" when there is no search.
func (b *logBuf) Query() string { return b.query }

// Matches is the number of matches in the lines held.
func (b *logBuf) Matches() int { return len(b.matches) }

// Current is the current match and its index, ok false when there is none.
func (b *logBuf) Current() (logMatch, int, bool) {
	if b.cur < 0 || b.cur >= len(b.matches) {
		return logMatch{}, -1, false
	}
	return b.matches[b.cur], b.cur, true
}

// matchesOn returns the offsets of the matches on one line, from the match list.
func (b *logBuf) matchesOn(seq int64) []int {
	i := sort.Search(len(b.matches), func(i int) bool { return b.matches[i].seq >= seq })
	var out []int
	for ; i < len(b.matches) && b.matches[i].seq == seq; i++ {
		out = append(out, b.matches[i].off)
	}
	return out
}

// nextAfter makes the first match after m current, wrapping to the first match; wrapped reports the
// wrap. ok is false when there are no matches.
func (b *logBuf) nextAfter(m logMatch) (found logMatch, wrapped, ok bool) {
	if len(b.matches) == 0 {
		return logMatch{}, false, false
	}
	i := sort.Search(len(b.matches), func(i int) bool { return m.before(b.matches[i]) })
	if i == len(b.matches) {
		i, wrapped = 0, true
	}
	b.cur = i
	return b.matches[i], wrapped, true
}

// prevBefore makes the last match before m current, wrapping to the last match.
func (b *logBuf) prevBefore(m logMatch) (found logMatch, wrapped, ok bool) {
	if len(b.matches) == 0 {
		return logMatch{}, false, false
	}
	i := sort.Search(len(b.matches), func(i int) bool { return !b.matches[i].before(m) }) - 1
	if i < 0 {
		i, wrapped = len(b.matches)-1, true
	}
	b.cur = i
	return b.matches[i], wrapped, true
}

// setCurrent makes m the current match when it is one.
func (b *logBuf) setCurrent(m logMatch) {
	i := sort.Search(len(b.matches), func(i int) bool { return !b.matches[i].before(m) })
	if i < len(b.matches) && b.matches[i] == m {
		b.cur = i
	}
}

// nextMatch moves to the match after the current one (or after from when there is none).
func (b *logBuf) nextMatch(from logMatch) (logMatch, bool, bool) {
	if m, _, ok := b.Current(); ok {
		from = m
	}
	return b.nextAfter(from)
}

// prevMatch moves to the match before the current one (or before from when there is none).
func (b *logBuf) prevMatch(from logMatch) (logMatch, bool, bool) {
	if m, _, ok := b.Current(); ok {
		from = m
	}
	return b.prevBefore(from)
}

// foldLower lower-cases s without changing its length in bytes, so offsets found in the folded text
// are offsets in s: a rune whose lower case is encoded in a different number of bytes stays as is.
func foldLower(s string, ascii bool) string {
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if lr := unicode.ToLower(r); r != utf8.RuneError && utf8.RuneLen(lr) == size {
			b.WriteRune(lr)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isASCII reports whether s is all 7-bit bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
