package platform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Bounds of the create flow's recovery from an ambiguous create.
const (
	// maxCreateAttempts bounds how often a create whose outcome is unknown is tried again.
	maxCreateAttempts = 5
	// lookupAfterAmbiguity bounds the look-up after an ambiguous create. It runs on a deadline
	// of its own, so a create cut short by its timeout or by Ctrl-C still finds the record it
	// made, and the run still ends promptly.
	lookupAfterAmbiguity = 15 * time.Second
)

// Create makes the wanted record and never takes over one it did not make. Top to bottom:
//
//  1. Existence check. The unique key must be absent from the workspace's records as the run
//     knows them (Client.Existing: one list per workspace per run). A match is confirmed by a
//     fresh look-up; a record that exists is foreign (*ForeignRecordError), never changed or
//     adopted. This look-up before the first POST is what later proves a record ours.
//  2. The create call.
//  3. An ambiguous failure (5xx, dropped connection, deadline, cancellation, an answer that does
//     not decode) may have made the record: it is looked up afresh under a deadline of its own.
//     A record found is adopted only because step 1 proved the key absent and, where the platform
//     reports a creation time, it is not older than the first attempt; otherwise it is foreign.
//     Nothing found and time left: the create is tried again.
//  4. The read-back, when the create answer held only the id.
//  5. The echo check: an answer that lacks or contradicts a field sent is version skew
//     (*SkewError), and the record comes back as the platform holds it.
//  6. The follow-up update of the fields the create call cannot carry (Client.FollowUp), planned
//     by PlanUpdate like any update.
//
// When the record was made but a later step failed, the record (its ID set) comes back with
// the error, so the caller keeps track of it. Otherwise no record comes back.
func Create(ctx context.Context, c Client, wanted Record) (Record, error) {
	spec := c.Spec()
	if err := spec.CheckCreate(wanted); err != nil {
		return Record{}, err
	}
	if err := checkAbsent(ctx, c, wanted); err != nil {
		return Record{}, err
	}
	firstAttempt := time.Now()
	var created Record
	for attempt := 1; ; attempt++ {
		made, err := c.Create(ctx, wanted)
		if err == nil {
			created = made
			break
		}
		if !errors.Is(err, ErrAmbiguous) {
			return Record{}, err
		}
		found, lookupErr := lookUpAfterAmbiguity(ctx, c, wanted)
		if lookupErr != nil {
			return Record{}, fmt.Errorf("%w; looking the record up afterwards failed too: %w", err, lookupErr)
		}
		if found.ID != "" {
			if reason := notMadeBy(spec, found, wanted, c.FollowUp(found, wanted), firstAttempt); reason != "" {
				return Record{}, foreignRecord(spec, found, reason)
			}
			created = found
			break
		}
		if ctx.Err() != nil || attempt == maxCreateAttempts {
			return Record{}, err
		}
		if !waitBeforeRetry(ctx, attempt) {
			return Record{}, errors.Join(err, ctx.Err())
		}
	}
	if len(created.Returned) == 0 {
		stored, err := c.ReadBack(ctx, Ref{ID: created.ID, WorkspaceID: wanted.WorkspaceID})
		if err != nil {
			made := wanted
			made.ID = created.ID
			return made, fmt.Errorf("%s: created %s %s, but reading it back failed: %w", spec.Name, spec.Noun, created.ID, err)
		}
		created = stored
	}
	followUp := c.FollowUp(created, wanted)
	if err := CheckEcho(spec, wanted, createdFields(spec, wanted, followUp), created); err != nil {
		return created, err
	}
	if len(followUp) == 0 {
		return created, nil
	}
	patch, err := PlanUpdate(c, created, Only(created, wanted, followUp), nil)
	if err != nil || patch.Empty() {
		return created, err
	}
	updated, err := c.Update(ctx, Ref{ID: created.ID, WorkspaceID: created.WorkspaceID}, patch)
	if err != nil {
		return created, fmt.Errorf("%s: created %s %s, but setting %v after the create failed: %w", spec.Name, spec.Noun, created.ID, patch.Fields, err)
	}
	if err := CheckEcho(spec, wanted, patch.Fields, updated); err != nil {
		return updated, err
	}
	return Merge(created, updated), nil
}

// checkAbsent refuses a create whose unique key the workspace already holds. The run's shared
// list may be stale, so a match is confirmed by a fresh look-up before it is reported.
func checkAbsent(ctx context.Context, c Client, wanted Record) error {
	spec := c.Spec()
	known, err := c.Existing(ctx, wanted.WorkspaceID)
	if err != nil {
		return fmt.Errorf("%s: checking that no %s with %s %q exists before creating one: %w", spec.Name, spec.Noun, spec.UniqueKey, wanted.StringValue(spec.UniqueKey), err)
	}
	if _, found, err := matchKey(spec, known, wanted); err != nil || !found {
		return err
	}
	existing, found, err := FindExisting(ctx, c, wanted)
	if err != nil {
		return err
	}
	if found {
		return foreignRecord(spec, existing, "it existed before this create")
	}
	return nil
}

// lookUpAfterAmbiguity looks the record up after an ambiguous create, on a deadline of its own
// that Ctrl-C or an expired create timeout does not cut short. It returns an empty record when
// there is none.
func lookUpAfterAmbiguity(ctx context.Context, c Client, wanted Record) (Record, error) {
	lookupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupAfterAmbiguity)
	defer cancel()
	found, ok, err := FindExisting(lookupCtx, c, wanted)
	if err != nil || !ok {
		return Record{}, err
	}
	return found, nil
}

// notMadeBy says why a record found after an ambiguous create cannot be the one it made, or ""
// when it can be: its creation time, where the platform reports one, is before the first attempt
// began (the platform may keep whole seconds, so the start is compared at that precision), or
// a field the create sent is not what the platform holds.
func notMadeBy(spec Spec, found, wanted Record, followUp []Field, firstAttempt time.Time) string {
	if found.CreatedAt != "" {
		made, err := time.Parse(time.RFC3339Nano, found.CreatedAt)
		if err != nil {
			return fmt.Sprintf("its creation time %q cannot be read, so it cannot be shown to be the record this create made", found.CreatedAt)
		}
		if made.Before(firstAttempt.Truncate(time.Second)) {
			return fmt.Sprintf("it was created at %s, before this create began at %s", found.CreatedAt, firstAttempt.UTC().Format(time.RFC3339))
		}
	}
	if err := CheckEcho(spec, wanted, createdFields(spec, wanted, followUp), found); err != nil {
		return "it does not hold what this create sent (" + err.Error() + ")"
	}
	return ""
}

func foreignRecord(spec Spec, r Record, reason string) *ForeignRecordError {
	return &ForeignRecordError{
		Platform: spec.Name, ID: r.ID, Key: spec.UniqueKey, Value: r.StringValue(spec.UniqueKey),
		WorkspaceID: r.WorkspaceID, Reason: reason,
	}
}

// createdFields lists the fields the create call carried: those wanted sets, except the ones
// set by the follow-up update.
func createdFields(spec Spec, wanted Record, followUp []Field) []Field {
	var out []Field
	for _, f := range spec.SupportedFields() {
		if wanted.IsSet(f) && !slices.Contains(followUp, f) {
			out = append(out, f)
		}
	}
	return out
}

// Merge returns the record base with every field the answer returned taken from it: the record
// as the platform holds it after a write whose answer may hold only part of it. Neither input
// changes (decoders may share one Returned set between records).
func Merge(base, answer Record) Record {
	out := base
	if answer.ID != "" {
		out.ID = answer.ID
	}
	returned := make(map[Field]bool, len(base.Returned)+len(answer.Returned))
	for f := range base.Returned {
		returned[f] = true
	}
	for f := range answer.Returned {
		out.Set(f, answer.Value(f))
		returned[f] = true
	}
	out.Returned = returned
	return out
}

// FindExisting looks a record up by the platform's unique key, through a fresh list (within the
// record's workspace where the platform has workspaces), compared the way the platform compares
// the key. It reports false when there is none.
func FindExisting(ctx context.Context, c Client, r Record) (Record, bool, error) {
	spec := c.Spec()
	if r.StringValue(spec.UniqueKey) == "" {
		return Record{}, false, fmt.Errorf("%s: looking up an existing %s needs its %s", spec.Name, spec.Noun, spec.UniqueKey)
	}
	if spec.Supports(FieldWorkspaceID) && r.WorkspaceID == "" {
		return Record{}, false, fmt.Errorf("%s: looking up an existing %s needs its workspace_id", spec.Name, spec.Noun)
	}
	records, err := c.List(ctx, ListOptions{WorkspaceID: r.WorkspaceID})
	if err != nil {
		return Record{}, false, err
	}
	return matchKey(spec, records, r)
}

// matchKey finds the record with r's unique key among records; more than one is an error.
func matchKey(spec Spec, records []Record, r Record) (Record, bool, error) {
	key := spec.KeyOf(r)
	// The list may be shared with other readers, so matches go to a slice of their own.
	var matches []Record
	for _, rec := range records {
		if spec.KeyOf(rec) == key && (r.WorkspaceID == "" || rec.WorkspaceID == "" || rec.WorkspaceID == r.WorkspaceID) {
			matches = append(matches, rec)
		}
	}
	switch len(matches) {
	case 0:
		return Record{}, false, nil
	case 1:
		return matches[0], true, nil
	default:
		return Record{}, false, fmt.Errorf("%s: %d %ss have %s %q, expected at most one", spec.Name, len(matches), spec.Noun, spec.UniqueKey, r.StringValue(spec.UniqueKey))
	}
}

func waitBeforeRetry(ctx context.Context, attempt int) bool {
	t := time.NewTimer(time.Duration(attempt) * 200 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
