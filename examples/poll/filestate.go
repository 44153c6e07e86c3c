package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tousu-go/tousu/complaint"
)

// FileState is a complaint.PollState persisted to one JSON file, for a
// single process: what the poller remembers survives a restart, so a
// restarted poller emits nothing that reached the sink before and polls
// PAYJS no sooner than its 4-hour limit allows.
//
// The rules (leases, intervals, merging) are complaint.MemoryPollState's:
// FileState keeps one in memory and mirrors every change into a snapshot
// that it writes whole, through a temporary file and a rename, so the file
// is always either the old or the new state, never half of one. A lease
// itself is not persisted: after a restart the previous holder is gone. The
// whole file is rewritten on each change, which suits hundreds of
// complaints; several replicas, or many complaints, need a shared state
// (the Redis one in github.com/tousu-go/tousu/complaint/redisstore).
type FileState struct {
	mu   sync.Mutex // serialises a change with its write
	path string
	mem  *complaint.MemoryPollState
	snap snapshot
}

// snapshot is the file's content.
type snapshot struct {
	Polls map[string]pollMark                 `json:"polls"`
	Seen  map[string]complaint.Seen           `json:"seen"`
	Open  map[string]map[string]complaint.Ref `json:"open"`
}

// pollMark is what outlives a process of a source's poll record.
type pollMark struct {
	Started   time.Time `json:"started"`
	Watermark time.Time `json:"watermark,omitzero"`
}

// OpenFileState loads the state at path; a missing file is an empty state.
func OpenFileState(ctx context.Context, path string) (*FileState, error) {
	s := &FileState{path: path, mem: complaint.NewMemoryPollState(), snap: snapshot{
		Polls: map[string]pollMark{}, Seen: map[string]complaint.Seen{}, Open: map[string]map[string]complaint.Ref{}}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return nil, fmt.Errorf("poll state %s: %w", path, err)
	}
	// Replay the snapshot through the memory state's own methods: a poll
	// begun at its recorded start with no lease and ended at once restores
	// the start (for the interval) and the watermark.
	for source, m := range snap.Polls {
		t, err := s.mem.BeginPoll(ctx, source, m.Started, 0, 0)
		if err == nil {
			err = s.mem.EndPoll(ctx, source, t.Token, m.Watermark)
		}
		if err != nil {
			return nil, err
		}
		s.snap.Polls[source] = m
	}
	for key, seen := range snap.Seen {
		if err := s.mem.Remember(ctx, key, seen); err != nil {
			return nil, err
		}
		s.snap.Seen[key] = seen
	}
	for source, refs := range snap.Open {
		for key, ref := range refs {
			if err := s.mem.Track(ctx, source, key, ref); err != nil {
				return nil, err
			}
		}
		s.snap.Open[source] = refs
	}
	return s, nil
}

// BeginPoll implements complaint.PollState. The start is on disk before a
// granted ticket is returned, so a crash loop cannot poll early.
func (s *FileState) BeginPoll(ctx context.Context, source string, now time.Time, minInterval, lease time.Duration) (complaint.PollTicket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.mem.BeginPoll(ctx, source, now, minInterval, lease)
	if err != nil || !t.Granted() {
		return t, err
	}
	m := s.snap.Polls[source]
	m.Started = now
	s.snap.Polls[source] = m
	if err := s.save(); err != nil {
		_ = s.mem.EndPoll(ctx, source, t.Token, time.Time{}) // no poll without its record
		return complaint.PollTicket{}, err
	}
	return t, nil
}

// EndPoll implements complaint.PollState.
func (s *FileState) EndPoll(ctx context.Context, source, token string, watermark time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mem.EndPoll(ctx, source, token, watermark); err != nil || watermark.IsZero() {
		return err
	}
	m := s.snap.Polls[source]
	m.Watermark = watermark
	s.snap.Polls[source] = m
	return s.save()
}

// Recall implements complaint.PollState.
func (s *FileState) Recall(ctx context.Context, key string) (complaint.Seen, error) {
	return s.mem.Recall(ctx, key)
}

// Remember implements complaint.PollState.
func (s *FileState) Remember(ctx context.Context, key string, seen complaint.Seen) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mem.Remember(ctx, key, seen); err != nil {
		return err
	}
	merged, err := s.mem.Recall(ctx, key)
	if err != nil {
		return err
	}
	s.snap.Seen[key] = merged
	return s.save()
}

// Track implements complaint.PollState.
func (s *FileState) Track(ctx context.Context, source, key string, ref complaint.Ref) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mem.Track(ctx, source, key, ref); err != nil {
		return err
	}
	if s.snap.Open[source] == nil {
		s.snap.Open[source] = map[string]complaint.Ref{}
	}
	s.snap.Open[source][key] = ref
	return s.save()
}

// Untrack implements complaint.PollState.
func (s *FileState) Untrack(ctx context.Context, source, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mem.Untrack(ctx, source, key); err != nil {
		return err
	}
	delete(s.snap.Open[source], key)
	return s.save()
}

// Tracked implements complaint.PollState.
func (s *FileState) Tracked(ctx context.Context, source string) iter.Seq2[complaint.Ref, error] {
	return s.mem.Tracked(ctx, source)
}

// save writes the snapshot atomically: a temporary file in the same
// directory, synced, then renamed over the old one. s.mu is held.
func (s *FileState) save() error {
	data, err := json.Marshal(s.snap)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("poll state: writing %s: %w", s.path, err)
	}
	return nil
}
