package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Wire is what a platform package gives the shared client besides its Spec: its paths, the
// mapping between the canonical record and its JSON, and its quirks as functions. Sending,
// retrying, decoding error bodies and paging are the RESTClient's.
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
	// CreateBody maps a record to the create call's body; it starts with Spec.CreateBody.
	CreateBody func(Record) (map[string]any, error)
	// UpdateBody maps a change to the partial update's body and the fields it carries; it starts
	// with Spec.UpdateBody. PlanUpdate calls it through Client.UpdateBody.
	UpdateBody func(prior, planned Record, fields []Field) (map[string]any, []Field, error)
	// DecodeRecord reads an answer that is one record.
	DecodeRecord func([]byte) (Record, error)
	// DecodeList reads a list answer and the link to its next page, empty on the last page.
	DecodeList func([]byte) (records []Record, next string, err error)
	// DecodeCreate reads the create call's answer and its status; the default is DecodeRecord.
	// It returns a *ForeignRecordError when the answer says the call changed a record that
	// already existed (an upsert).
	DecodeCreate func(status int, body []byte) (Record, error)
	// DecodeUpdate reads an update's answer; the default is DecodeRecord. id is the record updated.
	DecodeUpdate func(body []byte, id string) (Record, error)
	// ReadOne reads one record where the platform has no get-one endpoint (ReadFromList); the
	// default is a GET of its ItemPath.
	ReadOne func(ctx context.Context, c *RESTClient, ref Ref) (Record, error)
	// FollowUp lists the fields the create call cannot carry that an update right after it sets.
	FollowUp func(created, wanted Record) []Field
	// WorkspaceQuery is the list's query parameter that filters by workspace; empty when the
	// platform has no workspaces.
	WorkspaceQuery string
	// ValidateSuffix, appended to a record's ItemPath, is where a POST asks the platform to check
	// the record against its model provider (flashback's /validate); empty where it cannot.
	ValidateSuffix string
	// DecodeValidation reads that call's answer.
	DecodeValidation func([]byte) (Validation, error)
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
	if wire.DecodeCreate == nil {
		wire.DecodeCreate = func(_ int, body []byte) (Record, error) { return wire.DecodeRecord(body) }
	}
	if wire.DecodeUpdate == nil {
		wire.DecodeUpdate = func(body []byte, _ string) (Record, error) { return wire.DecodeRecord(body) }
	}
	h, err := NewHTTP(cfg, wire.DecodeError)
	if err != nil {
		return nil, err
	}
	return &RESTClient{spec: spec, wire: wire, http: h}, nil
}

// Spec says which attributes the platform has.
func (c *RESTClient) Spec() Spec { return c.spec }

// ItemPath joins a collection and an escaped id. It refuses an empty id and the dot segments, so
// an id can never point the request at another path.
func ItemPath(p Name, collection, id, suffix string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", fmt.Errorf("%s: %q is not a valid record id", p, id)
	}
	return collection + "/" + url.PathEscape(id) + suffix, nil
}

// Create sends the create call. An answer that does not decode is ambiguous: the platform may
// have made the record, so the create flow looks it up.
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
	created, err := c.wire.DecodeCreate(resp.Status, resp.Body)
	var foreign *ForeignRecordError
	if errors.As(err, &foreign) {
		foreign.Platform = c.spec.Name
		return Record{}, foreign
	}
	if err != nil {
		return Record{}, &AmbiguousError{Err: c.DecodeFailure(req, err)}
	}
	return created, nil
}

// Get reads one record: from its own path, or as the platform's ReadOne says.
func (c *RESTClient) Get(ctx context.Context, ref Ref) (Record, error) {
	if c.wire.ReadOne != nil {
		return c.wire.ReadOne(ctx, c, ref)
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
	rec, err := c.wire.DecodeRecord(resp.Body)
	if err != nil {
		return Record{}, c.DecodeFailure(req, err)
	}
	return rec, nil
}

// ReadFromList reads a record through the list of its workspace (of every workspace when that is
// not known), for platforms that have no get-one endpoint.
func ReadFromList(ctx context.Context, c *RESTClient, ref Ref) (Record, error) {
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

// UpdateBody maps a change to the platform's partial update body (see Wire.UpdateBody).
func (c *RESTClient) UpdateBody(prior, planned Record, fields []Field) (map[string]any, []Field, error) {
	return c.wire.UpdateBody(prior, planned, fields)
}

// Update sends the patch's body, exactly as PlanUpdate built it.
func (c *RESTClient) Update(ctx context.Context, ref Ref, p Patch) (Record, error) {
	if p.Empty() || p.Body == nil {
		return Record{}, fmt.Errorf("%s: an update with no fields or no body was asked for (only PlanUpdate builds one); this is a bug in the Terraform provider", c.spec.Name)
	}
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return Record{}, err
	}
	req := Request{Method: c.wire.UpdateMethod, Path: path, Body: p.Body, Secrets: SecretsOf(p.Values)}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return Record{}, err
	}
	rec, err := c.wire.DecodeUpdate(resp.Body, ref.ID)
	if err != nil {
		return Record{}, c.DecodeFailure(req, err)
	}
	return rec, nil
}

// FollowUp lists the fields an update right after the create must set (see Wire.FollowUp).
func (c *RESTClient) FollowUp(created, wanted Record) []Field {
	if c.wire.FollowUp == nil {
		return nil
	}
	return c.wire.FollowUp(created, wanted)
}

// Existing lists the workspace's records afresh; the coalescing client shares one list per run.
func (c *RESTClient) Existing(ctx context.Context, workspace string) ([]Record, error) {
	return c.List(ctx, ListOptions{WorkspaceID: workspace})
}

// ReadBack reads a record its create just made; the coalescing client batches these.
func (c *RESTClient) ReadBack(ctx context.Context, ref Ref) (Record, error) { return c.Get(ctx, ref) }

// Delete removes the record; one that is already gone is not an error.
func (c *RESTClient) Delete(ctx context.Context, ref Ref) error {
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, Request{Method: http.MethodDelete, Path: path})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Validate asks the platform to check the record against its model provider (the key works, the
// endpoint answers). The answer is the platform's verdict; an error means no verdict was had.
func (c *RESTClient) Validate(ctx context.Context, ref Ref) (Validation, error) {
	if c.wire.ValidateSuffix == "" {
		return Validation{}, fmt.Errorf("the %s platform has no validation call", c.spec.Name)
	}
	path, err := c.wire.ItemPath(ref.ID)
	if err != nil {
		return Validation{}, err
	}
	req := Request{Method: http.MethodPost, Path: path + c.wire.ValidateSuffix}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return Validation{}, err
	}
	v, err := c.wire.DecodeValidation(resp.Body)
	if err != nil {
		return Validation{}, c.DecodeFailure(req, err)
	}
	return v, nil
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

// DecodeIDOnly is the Returned set of an answer that holds only the record's id.
func DecodeIDOnly(id string) Record { return Record{ID: id, Returned: map[Field]bool{}} }
