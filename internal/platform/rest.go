package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Wire is what a platform package gives the shared client besides its Spec: its paths and the
// mapping between the canonical record and its JSON. Sending, retrying, decoding error bodies,
// paging and reading through the list are the RESTClient's.
type Wire struct {
	// CollectionPath is where records are created and listed.
	CollectionPath string
	// ItemPath is the path of one record; it must refuse an id that could point elsewhere. The
	// default is CollectionPath/{id}, built by the ItemPath function.
	ItemPath func(id string) (string, error)
	// UpdateMethod is PUT (the default) or PATCH.
	UpdateMethod string
	// DecodeError reads the platform's error envelope.
	DecodeError ErrorDecoder
	// CreateBody and UpdateBody map a record and a patch to request bodies; each starts with the
	// Spec's CheckCreate or CheckUpdate.
	CreateBody func(Record) (map[string]any, error)
	UpdateBody func(Patch) (map[string]any, error)
	// DecodeRecord reads an answer that is one record.
	DecodeRecord func([]byte) (Record, error)
	// DecodeList reads a list answer and the link to its next page, empty on the last page.
	DecodeList func([]byte) (records []Record, next string, err error)
	// DecodeWriteID reads a write answer that holds only the id (Spec.Create.AnswerHoldsIDOnly,
	// Spec.UpdateAnswersIDOnly).
	DecodeWriteID func([]byte) (string, error)
	// WorkspaceQuery is the list's query parameter that filters by workspace; empty when the
	// platform has no workspaces.
	WorkspaceQuery string
}

// maxListPages bounds how many pages List follows, so a server that keeps answering a next link
// cannot keep it busy forever.
const maxListPages = 1000

// RESTClient is the one client of every platform: a Spec and a Wire over the shared HTTP layer.
type RESTClient struct {
	spec Spec
	wire Wire
	http *HTTP
}

var _ Client = (*RESTClient)(nil)

// NewRESTClient builds the client of the platform the spec describes; cfg.Platform is set from it.
func NewRESTClient(spec Spec, wire Wire, cfg HTTPConfig) (*RESTClient, error) {
	cfg.Platform = spec.Name
	if wire.ItemPath == nil {
		wire.ItemPath = func(id string) (string, error) { return ItemPath(spec.Name, wire.CollectionPath, id, "") }
	}
	if wire.UpdateMethod == "" {
		wire.UpdateMethod = http.MethodPut
	}
	h, err := NewHTTP(cfg, wire.DecodeError)
	if err != nil {
		return nil, err
	}
	return &RESTClient{spec: spec, wire: wire, http: h}, nil
}

// Spec says what sets the platform apart.
func (c *RESTClient) Spec() Spec { return c.spec }

// HTTP is the transport, for a platform's calls beyond its records (barndoor connections).
func (c *RESTClient) HTTP() *HTTP { return c.http }

// ItemPath joins a collection and an escaped id. It refuses an empty id and the dot segments, so
// an id can never point the request at another path.
func ItemPath(p Name, collection, id, suffix string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", fmt.Errorf("%s: %q is not a valid record id", p, id)
	}
	return collection + "/" + url.PathEscape(id) + suffix, nil
}

// Create sends the create call. Where Spec().Create.ExpectStatus is set, another 2xx means the
// platform's upsert changed a record that appeared between the lookup and the create: the
// record comes back with a conflict, since it was not this configuration's to take over.
func (c *RESTClient) Create(ctx context.Context, r Record) (Record, error) {
	body, err := c.wire.CreateBody(r)
	if err != nil {
		return Record{}, err
	}
	req := Request{Method: http.MethodPost, Path: c.wire.CollectionPath, Body: body, Secrets: SecretsOf(r), NotIdempotent: true}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return Record{}, err
	}
	var created Record
	if c.spec.Create.AnswerHoldsIDOnly {
		created, err = c.decodeWriteID(req, resp, "")
	} else {
		created, err = c.decodeRecord(req, resp)
	}
	if err != nil {
		return Record{}, err
	}
	if want := c.spec.Create.ExpectStatus; want != 0 && resp.Status != want {
		key := c.spec.UniqueKey
		return created, &APIError{
			Platform: c.spec.Name, Kind: KindConflict, Status: resp.Status, Method: req.Method, Path: req.Path,
			Message: fmt.Sprintf("%s %q was created by someone else while this create was in flight, and the platform's create overwrote it (HTTP %d instead of %d); check that record and import it",
				key, r.KeyValue(key), resp.Status, want),
		}
	}
	return created, nil
}

// Get reads one record: from its own path, or from the list where the platform has no get-one
// endpoint (within ref.WorkspaceID when it is known).
func (c *RESTClient) Get(ctx context.Context, ref Ref) (Record, error) {
	if c.spec.ReadByList {
		records, err := c.List(ctx, ListOptions{WorkspaceID: ref.WorkspaceID})
		if err != nil {
			return Record{}, err
		}
		for _, r := range records {
			if r.ID == ref.ID {
				return r, nil
			}
		}
		return Record{}, NotFoundInList(c.spec, c.wire.CollectionPath, ref)
	}
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return Record{}, err
	}
	req := Request{Method: http.MethodGet, Path: path}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return Record{}, err
	}
	return c.decodeRecord(req, resp)
}

// NotFoundInList is the error for a record its workspace's list does not hold.
func NotFoundInList(spec Spec, path string, ref Ref) *APIError {
	where := "any accessible workspace"
	if ref.WorkspaceID != "" {
		where = "workspace " + ref.WorkspaceID
	}
	return &APIError{
		Platform: spec.Name, Kind: KindNotFound, Status: http.StatusNotFound, Method: http.MethodGet, Path: path,
		Message: fmt.Sprintf("%s %s not found in %s", spec.Noun, ref.ID, where),
	}
}

// List returns every record the token can see, following next-page links, only those of
// opts.WorkspaceID when it is set: the platform filters, and the client filters again so that a
// server ignoring the query cannot hand another workspace's record to the caller.
func (c *RESTClient) List(ctx context.Context, opts ListOptions) ([]Record, error) {
	var query url.Values
	if opts.WorkspaceID != "" && c.wire.WorkspaceQuery != "" {
		query = url.Values{c.wire.WorkspaceQuery: {opts.WorkspaceID}}
	}
	var all []Record
	seen := map[string]bool{}
	for range maxListPages {
		req := Request{Method: http.MethodGet, Path: c.wire.CollectionPath, Query: query}
		resp, err := c.http.Do(ctx, req)
		if err != nil {
			return nil, err
		}
		records, next, err := c.wire.DecodeList(resp.Body)
		if err != nil {
			return nil, c.DecodeFailure(req, err)
		}
		all = append(all, records...)
		if next == "" {
			return filterWorkspace(all, opts.WorkspaceID), nil
		}
		nextURL, err := url.Parse(next)
		if err != nil || seen[nextURL.RawQuery] || nextURL.RawQuery == "" {
			return nil, c.DecodeFailure(req, fmt.Errorf("the page's next link %q cannot be followed", next))
		}
		seen[nextURL.RawQuery] = true
		query = nextURL.Query()
	}
	return nil, fmt.Errorf("%s: the list has more than %d pages", c.spec.Name, maxListPages)
}

func filterWorkspace(records []Record, workspace string) []Record {
	if workspace == "" {
		return records
	}
	filtered := records[:0]
	for _, r := range records {
		if r.WorkspaceID == workspace {
			filtered = append(filtered, r)
		}
	}
	return filtered
}

// Update sends one request holding exactly the wire fields of the patch; an empty patch sends
// nothing and reads the record instead.
func (c *RESTClient) Update(ctx context.Context, ref Ref, p Patch) (Record, error) {
	body, err := c.wire.UpdateBody(p)
	if err != nil {
		return Record{}, err
	}
	if len(body) == 0 {
		return c.Get(ctx, ref)
	}
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return Record{}, err
	}
	req := Request{Method: c.wire.UpdateMethod, Path: path, Body: body, Secrets: SecretsOf(p.Values)}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return Record{}, err
	}
	if c.spec.UpdateAnswersIDOnly {
		return c.decodeWriteID(req, resp, ref.ID)
	}
	return c.decodeRecord(req, resp)
}

// Delete removes the record; one that is already gone is not an error.
func (c *RESTClient) Delete(ctx context.Context, ref Ref) error {
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return err
	}
	return c.DeleteAt(ctx, path)
}

// DeleteAt deletes what a path names; a 404 means it is already gone, which is not an error.
func (c *RESTClient) DeleteAt(ctx context.Context, path string) error {
	_, err := c.http.Do(ctx, Request{Method: http.MethodDelete, Path: path})
	if IsNotFound(err) {
		return nil
	}
	return err
}

func (c *RESTClient) decodeRecord(req Request, resp Response) (Record, error) {
	rec, err := c.wire.DecodeRecord(resp.Body)
	if err != nil {
		return Record{}, c.DecodeFailure(req, err)
	}
	return rec, nil
}

// decodeWriteID reads a write answer that holds only the id; fallback stands in for an answer
// without one (an update knows the id it wrote).
func (c *RESTClient) decodeWriteID(req Request, resp Response, fallback string) (Record, error) {
	id, err := c.wire.DecodeWriteID(resp.Body)
	if err != nil {
		return Record{}, c.DecodeFailure(req, err)
	}
	if id == "" {
		id = fallback
	}
	if id == "" {
		return Record{}, c.DecodeFailure(req, errors.New("the answer has no id"))
	}
	return Record{ID: id}, nil
}

// DecodeFailure wraps a body the client cannot understand as a *DecodeError free of secrets.
func (c *RESTClient) DecodeFailure(req Request, err error) error {
	return &DecodeError{
		Platform: c.spec.Name, Method: req.Method, Path: req.Path,
		Err: errors.New(Redact(err.Error(), append([]string{c.http.cfg.Token}, req.Secrets...)...)),
	}
}

// SinglePage adapts the decoder of a list that is never paged to Wire.DecodeList.
func SinglePage(decode func([]byte) ([]Record, error)) func([]byte) ([]Record, string, error) {
	return func(body []byte) ([]Record, string, error) {
		records, err := decode(body)
		return records, "", err
	}
}
