package platform

import (
	"errors"
	"fmt"
)

// Kind classifies an API failure so callers can react without parsing messages.
type Kind int

// Error kinds.
const (
	KindOther Kind = iota
	KindNotFound
	KindConflict
	KindValidation
	KindAuth
	KindPermission
	KindRateLimited
	KindServer
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindValidation:
		return "validation failed"
	case KindAuth:
		return "authentication failed"
	case KindPermission:
		return "permission denied"
	case KindRateLimited:
		return "rate limited"
	case KindServer:
		return "server error"
	default:
		return "request failed"
	}
}

// KindForStatus maps an HTTP status code to a Kind.
func KindForStatus(status int) Kind {
	switch {
	case status == 404:
		return KindNotFound
	case status == 409:
		return KindConflict
	case status == 400 || status == 422:
		return KindValidation
	case status == 401:
		return KindAuth
	case status == 403:
		return KindPermission
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	default:
		return KindOther
	}
}

// APIError is a failed call, carrying the HTTP status and the platform's own message. Its text
// never holds a secret: the HTTP layer redacts every secret it sent before building it.
type APIError struct {
	Platform Name
	Kind     Kind
	Status   int
	Code     string
	Message  string
	Method   string
	Path     string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "(no message in the response)"
	}
	if e.Code != "" {
		msg = e.Code + ": " + msg
	}
	where := string(e.Platform)
	for _, part := range []string{e.Method, e.Path} {
		if part != "" {
			where += " " + part
		}
	}
	return fmt.Sprintf("%s: HTTP %d %s: %s", where, e.Status, e.Kind, msg)
}

// KindOf returns the Kind of err, or KindOther when err is not an *APIError.
func KindOf(err error) Kind {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Kind
	}
	return KindOther
}

// IsNotFound reports whether err says the record does not exist.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// ErrAmbiguous wraps a failure after which a non-idempotent request may or may not have been
// processed by the platform (a timeout, a dropped connection, a 5xx).
var ErrAmbiguous = errors.New("the platform may have processed the request")

// DecodeError is returned when a platform answers 2xx with a body the client cannot understand.
type DecodeError struct {
	Platform Name
	Method   string
	Path     string
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s %s: unexpected response body: %v", e.Platform, e.Method, e.Path, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ForeignRecordError says that a record with the wanted unique key exists on the platform and
// cannot be shown to be the one this create made: it was there before the create began, was
// created before the attempt, or the platform's upsert overwrote it. The create fails, state
// stays without it, and the user decides whether to import it.
type ForeignRecordError struct {
	Platform Name
	// ID is the record's id on the platform; Key and Value are its unique key.
	ID          string
	Key         Field
	Value       string
	WorkspaceID string
	// Reason says how the record was found, e.g. "it existed before this create".
	Reason string
}

func (e *ForeignRecordError) Error() string {
	return fmt.Sprintf("%s: a record with %s %q already exists (id %s): %s; this configuration did not create it, so it was neither changed nor adopted",
		e.Platform, e.Key, e.Value, e.ID, e.Reason)
}
