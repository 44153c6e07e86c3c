package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tousu-go/tousu/complaint"
)

// DefaultRetention is how long the poll state keeps a record that nothing
// reads or writes: a week longer than WeChat Pay's 30-day listing span, so a
// complaint is forgotten only well after no window lists it any more.
const DefaultRetention = 37 * 24 * time.Hour

// Fields of a source's hash: its poll record, and its open set as one field
// per open complaint (openField + key, holding the reference as JSON). One
// key per source keeps every script on one key, so Redis Cluster can place
// it anywhere whatever braces the prefix or the source name hold.
const (
	fieldToken     = "token"     // the lease holder's token; absent when free
	fieldLeaseEnd  = "lease_end" // when the holder's lease ends
	fieldStarted   = "started"   // when the last granted poll started
	fieldWatermark = "watermark" // the end of the last complete window
	openField      = "open:"     // prefix of the open set's fields
)

// Fields of a complaint's Seen record, one Redis hash.
const (
	fieldFingerprint = "fingerprint"
	fieldDueSoon     = "due_soon"
	fieldOverdue     = "overdue"
)

// Lua helpers of the begin-poll script. Times travel as
// "<unix seconds>.<nanoseconds, 9 digits>" (stamp): Lua 5.1 numbers are
// doubles, exact for seconds and for nanoseconds apart, not for Unix
// nanoseconds in one number, so times are compared as (seconds, nanos) pairs.
// A stored time of another form fails the script with a corruptReply error.
const luaTime = `
local function parts(v)
	local s, n = string.match(v, '^(-?%d+)%.(%d%d%d%d%d%d%d%d%d)$')
	if not s then
		error({err = '` + corruptReply + ` a stored time is malformed'})
	end
	return tonumber(s), tonumber(n)
end
local function before(a, b)
	local as, an = parts(a)
	local bs, bn = parts(b)
	return as < bs or (as == bs and an < bn)
end
`

// beginPollScript refuses the poll while another holder's lease is live
// (now before its end) or while the last poll started after now minus
// minInterval; otherwise it records now as the start, takes the lease with
// a new token, and refreshes the retention of the source's hash.
//
//	KEYS[1] the source's hash
//	ARGV[1] now, ARGV[2] now - minInterval, ARGV[3] now + lease (stamps),
//	ARGV[4] the new token, ARGV[5] the retention in milliseconds
//
// It answers {1, watermark} when granted and {0, lease end, last start} when
// refused, each of the last two "" unless it is a reason for the refusal.
var beginPollScript = redis.NewScript(luaTime + `
local r = redis.call('HMGET', KEYS[1], '` + fieldToken + `', '` + fieldLeaseEnd + `', '` + fieldStarted + `', '` + fieldWatermark + `')
if r[4] then
	parts(r[4]) -- a corrupt watermark fails the script before it takes the lease
end
local leaseEnd, started = '', ''
if r[1] and r[2] and before(ARGV[1], r[2]) then
	leaseEnd = r[2]
end
if r[3] and before(ARGV[2], r[3]) then
	started = r[3]
end
if leaseEnd ~= '' or started ~= '' then
	return {0, leaseEnd, started}
end
redis.call('HSET', KEYS[1], '` + fieldToken + `', ARGV[4], '` + fieldLeaseEnd + `', ARGV[3], '` + fieldStarted + `', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, r[4] or ''}
`)

// endPollScript releases the lease only while the record holds the caller's
// token, and then records the watermark when one is given.
//
//	KEYS[1] the source's hash
//	ARGV[1] the token, ARGV[2] the watermark stamp or "", ARGV[3] the retention
//	in milliseconds
//
// It answers 1 when the token held the lease, 0 otherwise.
var endPollScript = redis.NewScript(`
if ARGV[1] == '' or redis.call('HGET', KEYS[1], '` + fieldToken + `') ~= ARGV[1] then
	return 0
end
redis.call('HDEL', KEYS[1], '` + fieldToken + `', '` + fieldLeaseEnd + `')
if ARGV[2] ~= '' then
	redis.call('HSET', KEYS[1], '` + fieldWatermark + `', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

// hsetScript sets the given fields of a hash and refreshes its retention:
// Remember's merge (only non-zero fields are sent) and Track.
//
//	KEYS[1] the hash
//	ARGV[1] the retention in milliseconds, ARGV[2..] field, value pairs
var hsetScript = redis.NewScript(`
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return redis.call('PEXPIRE', KEYS[1], ARGV[1])
`)

// recallScript reads a hash and, when it exists, refreshes its retention, so
// that a complaint re-read on every poll is not forgotten while it is open.
//
//	KEYS[1] the hash
//	ARGV[1] the retention in milliseconds
var recallScript = redis.NewScript(`
local v = redis.call('HGETALL', KEYS[1])
if #v > 0 then
	redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return v
`)

// corruptReply starts the error a script raises over a record it did not
// write.
const corruptReply = "CORRUPT"

var _ complaint.PollState = (*Store)(nil)

// sourceKey is the Redis key of a source's hash (poll record and open set).
func (s *Store) sourceKey(source string) string { return s.prefix + "source:" + source }

// seenKey is the Redis key of a complaint's Seen record.
func (s *Store) seenKey(key string) string { return s.prefix + "seen:" + key }

// BeginPoll implements complaint.PollState in one round trip (a script on
// the source's poll record). The times compared are the caller's: now, and
// the lease ends and starts earlier callers recorded; the Redis clock plays no
// part, except that the source's keys expire after the store's retention
// without a poll.
func (s *Store) BeginPoll(ctx context.Context, source string, now time.Time, minInterval, lease time.Duration) (complaint.PollTicket, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return complaint.PollTicket{}, err
	}
	token := complaint.NewLeaseToken()
	r, err := beginPollScript.Run(ctx, s.client, []string{s.sourceKey(source)},
		stamp(now), stamp(now.Add(-minInterval)), stamp(now.Add(lease)), token, millis(s.retention)).Slice()
	if err != nil {
		var rerr redis.Error
		if errors.As(err, &rerr) && strings.HasPrefix(rerr.Error(), corruptReply+" ") {
			return complaint.PollTicket{}, fmt.Errorf("redisstore: begin poll: %w: a stored time is malformed", complaint.ErrInternal)
		}
		return complaint.PollTicket{}, fmt.Errorf("redisstore: begin poll: %w", err)
	}
	ans, err := pollAnswer(r)
	if err != nil {
		return complaint.PollTicket{}, err
	}
	if ans.granted {
		return complaint.PollTicket{Token: token, Watermark: ans.watermark}, nil
	}
	notBefore := ans.leaseEnd // zero unless the lease is live
	if !ans.started.IsZero() {
		if next := ans.started.Add(minInterval); next.After(notBefore) {
			notBefore = next
		}
	}
	return complaint.PollTicket{NotBefore: notBefore}, nil
}

// beginAnswer is the begin-poll script's answer, decoded.
type beginAnswer struct {
	granted                      bool
	watermark, leaseEnd, started time.Time
}

func pollAnswer(r []any) (beginAnswer, error) {
	bad := fmt.Errorf("redisstore: begin poll: %w: the script answered %d values", complaint.ErrInternal, len(r))
	if len(r) < 2 {
		return beginAnswer{}, bad
	}
	var a beginAnswer
	var err error
	switch r[0] {
	case int64(1):
		a.granted = true
		a.watermark, err = parseStamp(r[1])
	case int64(0):
		if len(r) != 3 {
			return beginAnswer{}, bad
		}
		a.leaseEnd, err = parseStamp(r[1])
		if err == nil {
			a.started, err = parseStamp(r[2])
		}
	default:
		return beginAnswer{}, fmt.Errorf("redisstore: begin poll: %w: the script answered %v", complaint.ErrInternal, r[0])
	}
	if err != nil {
		return beginAnswer{}, fmt.Errorf("redisstore: begin poll: %w", err)
	}
	return a, nil
}

// EndPoll implements complaint.PollState in one round trip (a
// compare-by-token script on the source's poll record).
func (s *Store) EndPoll(ctx context.Context, source, token string, watermark time.Time) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	w := ""
	if !watermark.IsZero() {
		w = stamp(watermark)
	}
	n, err := endPollScript.Run(ctx, s.client, []string{s.sourceKey(source)}, token, w, millis(s.retention)).Int()
	if err != nil {
		return fmt.Errorf("redisstore: end poll: %w", err)
	}
	if n != 1 {
		return fmt.Errorf("redisstore: end poll: %w", complaint.ErrPollLeaseLost)
	}
	return nil
}

// Recall implements complaint.PollState in one round trip (HGETALL of the
// complaint's record, which also refreshes its retention).
func (s *Store) Recall(ctx context.Context, key string) (complaint.Seen, error) {
	if err := complaint.CheckContext(ctx); err != nil {
		return complaint.Seen{}, err
	}
	r, err := recallScript.Run(ctx, s.client, []string{s.seenKey(key)}, millis(s.retention)).StringSlice()
	if err != nil {
		return complaint.Seen{}, fmt.Errorf("redisstore: recall: %w", err)
	}
	var seen complaint.Seen
	for i := 0; i+1 < len(r); i += 2 {
		switch r[i] {
		case fieldFingerprint:
			seen.Fingerprint = r[i+1]
		case fieldDueSoon:
			seen.DueSoon, err = parseStamp(r[i+1])
		case fieldOverdue:
			seen.Overdue, err = parseStamp(r[i+1])
		}
		if err != nil {
			return complaint.Seen{}, fmt.Errorf("redisstore: recall: %w", err)
		}
	}
	return seen, nil
}

// Remember implements complaint.PollState in one round trip: one HSET of the
// non-zero fields of seen, so the merge is atomic and a concurrent Remember
// of other fields (the handler's fingerprint, the poller's deadline marks)
// is never overwritten. A zero seen sends nothing.
func (s *Store) Remember(ctx context.Context, key string, seen complaint.Seen) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	args := []any{millis(s.retention)}
	if seen.Fingerprint != "" {
		args = append(args, fieldFingerprint, seen.Fingerprint)
	}
	if !seen.DueSoon.IsZero() {
		args = append(args, fieldDueSoon, stamp(seen.DueSoon))
	}
	if !seen.Overdue.IsZero() {
		args = append(args, fieldOverdue, stamp(seen.Overdue))
	}
	if len(args) == 1 {
		return nil
	}
	if err := hsetScript.Run(ctx, s.client, []string{s.seenKey(key)}, args...).Err(); err != nil {
		return fmt.Errorf("redisstore: remember: %w", err)
	}
	return nil
}

// Track implements complaint.PollState in one round trip: an open-set field
// of the source's hash, holding the reference as JSON, and the hash's
// retention refreshed.
func (s *Store) Track(ctx context.Context, source, key string, ref complaint.Ref) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	b, err := json.Marshal(ref)
	if err != nil {
		return fmt.Errorf("redisstore: track: %w", err)
	}
	if err := hsetScript.Run(ctx, s.client, []string{s.sourceKey(source)}, millis(s.retention), openField+key, b).Err(); err != nil {
		return fmt.Errorf("redisstore: track: %w", err)
	}
	return nil
}

// Untrack implements complaint.PollState with one HDEL.
func (s *Store) Untrack(ctx context.Context, source, key string) error {
	if err := complaint.CheckContext(ctx); err != nil {
		return err
	}
	if err := s.client.HDel(ctx, s.sourceKey(source), openField+key).Err(); err != nil {
		return fmt.Errorf("redisstore: untrack: %w", err)
	}
	return nil
}

// scanCount is the COUNT hint of each HSCAN call of Tracked.
const scanCount = 256

// Tracked implements complaint.PollState with HSCAN MATCH open:*, a batch of
// about scanCount entries per round trip, so that a large open set is never loaded
// whole. As HSCAN guarantees, every entry present for the whole loop is
// yielded; an entry tracked or untracked meanwhile may or may not be, and an
// entry may be yielded twice if the set grows or shrinks a lot while it is
// read (the Poller keys what it reads, so a repeat is harmless).
func (s *Store) Tracked(ctx context.Context, source string) iter.Seq2[complaint.Ref, error] {
	return func(yield func(complaint.Ref, error) bool) {
		if err := complaint.CheckContext(ctx); err != nil {
			yield(complaint.Ref{}, err)
			return
		}
		key := s.sourceKey(source)
		var cursor uint64
		for {
			kv, next, err := s.client.HScan(ctx, key, cursor, openField+"*", scanCount).Result()
			if err != nil {
				yield(complaint.Ref{}, fmt.Errorf("redisstore: tracked: %w", err))
				return
			}
			for i := 1; i < len(kv); i += 2 {
				var ref complaint.Ref
				if err := json.Unmarshal([]byte(kv[i]), &ref); err != nil {
					yield(complaint.Ref{}, fmt.Errorf("redisstore: tracked: %w: an open-set entry is not a reference", complaint.ErrInternal))
					return
				}
				if !yield(ref, nil) {
					return
				}
			}
			if cursor = next; cursor == 0 {
				return
			}
		}
	}
}

// stamp writes t as "<unix seconds>.<nanoseconds>" with nine digits of
// nanoseconds, the form the scripts compare.
func stamp(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + fmt.Sprintf("%09d", t.Nanosecond())
}

// parseStamp reads a stamp; "" or a nil reply is the zero time.
func parseStamp(v any) (time.Time, error) {
	s, _ := v.(string)
	if s == "" {
		if v != nil && v != "" {
			return time.Time{}, fmt.Errorf("%w: a stored time is a %T", complaint.ErrInternal, v)
		}
		return time.Time{}, nil
	}
	sec, nsec, ok := strings.Cut(s, ".")
	secs, err1 := strconv.ParseInt(sec, 10, 64)
	nanos, err2 := strconv.ParseInt(nsec, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(nsec) != 9 || nanos < 0 {
		return time.Time{}, fmt.Errorf("%w: a stored time is malformed", complaint.ErrInternal)
	}
	return time.Unix(secs, nanos), nil
}
