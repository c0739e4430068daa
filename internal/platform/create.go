package platform

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// CreateRecord makes the record the way the platform's Spec says a create goes: a lookup first
// where the create call is an upsert, the create call, a read-back where its answer holds only
// the id, and an update for the fields the create call cannot carry. When the record was made
// but a later step failed, the record (its ID set) comes back together with the error, so the
// caller can keep track of it. An answer that lacks or contradicts a field the create sent is
// such a failure (a *SkewError, see CheckEcho): the record comes back as the platform holds it,
// and the follow-up update is not sent, since the record needs replacing anyway.
func CreateRecord(ctx context.Context, c Client, r Record) (Record, error) {
	spec := c.Spec()
	if spec.Create.CheckExisting {
		if _, found, err := checkExisting(ctx, c, r); err != nil {
			return Record{}, err
		} else if found {
			key := spec.UniqueKey
			return Record{}, &APIError{
				Platform: spec.Name, Kind: KindConflict, Status: http.StatusConflict, Method: http.MethodPost,
				Message: fmt.Sprintf("%s %q already exists on %s; import it instead of creating it", key, r.KeyValue(key), spec.Name),
			}
		}
	}
	created, err := c.Create(ctx, r)
	if err != nil {
		return created, err
	}
	if spec.Create.AnswerHoldsIDOnly {
		stored, err := readBack(ctx, c, Ref{ID: created.ID, WorkspaceID: r.WorkspaceID})
		if err != nil {
			made := r
			made.ID = created.ID
			return made, fmt.Errorf("%s: created %s %s, but reading it back failed: %w", spec.Name, spec.Noun, created.ID, err)
		}
		created = stored
	}
	if err := CheckEcho(spec, r, spec.CreateFields(r), created); err != nil {
		return created, err
	}
	return Converge(ctx, c, created, r)
}

// Converge sends, in one update, the fields the create call cannot carry (Spec.Create.AppliedAfter)
// whose wanted value differs from what the platform holds. It also finishes a create that was
// interrupted and then adopted. When the update fails, the record as the platform holds it comes
// back together with the error; when its answer lacks or contradicts a field it sent, the answer
// comes back with a *SkewError.
func Converge(ctx context.Context, c Client, have, want Record) (Record, error) {
	spec := c.Spec()
	var fields []Field
	for _, f := range spec.Create.AppliedAfter {
		if want.IsSet(f) && Diff(have, want).Has(f) {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return have, nil
	}
	updated, err := c.Update(ctx, Ref{ID: have.ID, WorkspaceID: have.WorkspaceID}, Patch{Fields: fields, Values: want})
	if err != nil {
		return have, fmt.Errorf("%s: created %s %s, but setting %v after the create failed: %w", spec.Name, spec.Noun, have.ID, fields, err)
	}
	if spec.UpdateAnswersIDOnly {
		return have, nil
	}
	if err := CheckEcho(spec, want, fields, updated); err != nil {
		return updated, err
	}
	return updated, nil
}

// FindExisting looks a record up by the platform's unique key: one read where the key is the id,
// otherwise a list (within the record's workspace where the platform has workspaces) compared the
// way the platform compares the key. It reports false when there is none.
func FindExisting(ctx context.Context, c Client, r Record) (Record, bool, error) {
	spec := c.Spec()
	key := spec.UniqueKey
	value := r.KeyValue(key)
	if value == "" {
		return Record{}, false, fmt.Errorf("%s: looking up an existing %s needs its %s", spec.Name, spec.Noun, key)
	}
	if spec.UniqueKeyIsID {
		rec, err := c.Get(ctx, Ref{ID: value})
		if IsNotFound(err) {
			return Record{}, false, nil
		}
		if err != nil {
			return Record{}, false, err
		}
		return rec, true, nil
	}
	opts := ListOptions{}
	if spec.Supports(FieldWorkspaceID) {
		if r.WorkspaceID == "" {
			return Record{}, false, fmt.Errorf("%s: looking up an existing %s needs its workspace_id", spec.Name, spec.Noun)
		}
		opts.WorkspaceID = r.WorkspaceID
	}
	records, err := c.List(ctx, opts)
	if err != nil {
		return Record{}, false, err
	}
	// The list may be shared with other readers, so matches go to a slice of their own.
	var matches []Record
	for _, rec := range records {
		have := rec.KeyValue(key)
		if have == value || (spec.Fields[key].FoldCase && strings.EqualFold(have, value)) {
			matches = append(matches, rec)
		}
	}
	switch len(matches) {
	case 0:
		return Record{}, false, nil
	case 1:
		return matches[0], true, nil
	default:
		return Record{}, false, fmt.Errorf("%s: %d %ss have %s %q, expected at most one", spec.Name, len(matches), spec.Noun, key, value)
	}
}

// checkExisting looks the unique key up through a list shared by the run's creates where the
// client offers one (the coalescing client), else directly.
func checkExisting(ctx context.Context, c Client, r Record) (Record, bool, error) {
	if shared, ok := c.(interface {
		checkExisting(context.Context, Record) (Record, bool, error)
	}); ok {
		return shared.checkExisting(ctx, r)
	}
	return FindExisting(ctx, c, r)
}

// readBack reads a record its create just made, through a batched list where the client offers
// one (the coalescing client), else directly.
func readBack(ctx context.Context, c Client, ref Ref) (Record, error) {
	if batched, ok := c.(interface {
		readBack(context.Context, Ref) (Record, error)
	}); ok {
		return batched.readBack(ctx, ref)
	}
	return c.Get(ctx, ref)
}
