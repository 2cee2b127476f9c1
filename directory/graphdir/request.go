package graphdir

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/google/uuid"
)

// request describes one Graph request, once: what is sent, what it is about
// (for errors) and what it needs (for a denial). [Directory.do] sends it
// alone; [Directory.batch] sends it as an item of a $batch. The same
// description, the same decoder of its answer ([decode]) and the same
// error parser ([parseError]) serve both.
type request struct {
	op     op     // for errors
	object string // for errors
	method string
	// path is relative to the service root and carries the query,
	// already encoded ("/users/x?$select=id"); for a page after the first
	// it is the absolute @odata.nextLink.
	path    string
	headers map[string]string // beyond Accept, Content-Type and client-request-id
	body    []byte            // JSON, or nil
	// bodyErr is the failure to encode body; the request is not sent.
	bodyErr error
	// repeatable marks a POST that is safe to send again after a lost
	// connection (a $batch of GETs); GET and DELETE always are.
	repeatable bool
	// need is what a credential must hold to be allowed the request.
	need endpoint
}

// answer is what Graph answered a request (or a $batch item).
type answer struct {
	status int
	header http.Header
	body   []byte
}

// get describes a GET.
func get(o op, object, path string, need endpoint) *request {
	return &request{op: o, object: object, method: http.MethodGet, path: path, need: need}
}

// page describes the GET of the page at link, an @odata.nextLink, for the
// same operation as r.
func (r *request) page(link string) *request {
	return &request{op: r.op, object: r.object, method: http.MethodGet, path: link, headers: r.headers, need: r.need}
}

// failed turns a failure of r into an *Error: an answer (status, header,
// body) or a cause without one. A 403 carries what r needed.
func (r *request) failed(ctx context.Context, a *answer, cause error) error {
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	var e *Error
	if a == nil {
		e = parseError(r.op, r.object, 0, nil, nil, cause)
	} else {
		e = parseError(r.op, r.object, a.status, a.header, a.body, cause)
	}
	e.need = r.need
	return e
}

// unencodable is the error of a request whose body could not be encoded.
func (r *request) unencodable() error {
	return &Error{Op: string(r.op), Object: r.object, Message: "encode request body", Err: r.bodyErr, class: directory.ErrInvalid}
}

// do sends r alone and returns its answer when the status is below 400;
// any other outcome is an *Error.
func (d *Directory) do(ctx context.Context, r *request) (*answer, error) {
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	if r.bodyErr != nil {
		return nil, r.unencodable()
	}
	a, err := d.exchange(ctx, r)
	if err != nil {
		return nil, r.failed(ctx, nil, err)
	}
	if a.status >= 400 {
		return nil, r.failed(ctx, a, nil)
	}
	return a, nil
}

// exchange sends r over HTTP with the retry policy and returns the final
// answer, whatever its status; the error is a failure to get one.
func (d *Directory) exchange(ctx context.Context, r *request) (*answer, error) {
	target := r.path
	if strings.HasPrefix(target, "/") {
		target = d.base + target
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	token, err := d.tokens.token(ctx, u, "")
	if err != nil {
		return nil, err
	}
	header := http.Header{}
	header.Set("Authorization", "Bearer "+token)
	header.Set("Accept", "application/json")
	if r.body != nil {
		header.Set("Content-Type", "application/json")
	}
	for k, v := range r.headers {
		header.Set(k, v)
	}
	header.Set("client-request-id", uuid.NewString())
	challenged := false
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a, err := d.attempt(ctx, r.method, u, header, r.body, attempt)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !safeToRepeat(r.method, err) && !r.repeatable {
				return nil, &lostAnswerError{method: r.method, err: err}
			}
			wait, retry, perr := d.cfg.retryWait(ctx, attempt, 0, nil, err)
			if perr != nil {
				return nil, perr
			}
			if !retry {
				return nil, err
			}
			if err := d.wait(ctx, r.method, u, wait, "connection failed", attempt); err != nil {
				return nil, err
			}
			continue
		}
		if a.status == http.StatusUnauthorized && !challenged {
			// A continuous access evaluation challenge is answered once
			// with a token for the claims it names.
			if claims := claimsChallenge(a.header); claims != "" {
				challenged = true
				token, err := d.tokens.token(ctx, u, claims)
				if err != nil {
					return nil, err
				}
				header.Set("Authorization", "Bearer "+token)
				attempt = -1
				continue
			}
		}
		if a.status >= 400 {
			wait, retry, perr := d.cfg.retryWait(ctx, attempt, a.status, a.header, nil)
			if perr != nil {
				return nil, perr
			}
			if retry {
				if err := d.wait(ctx, r.method, u, wait, strconv.Itoa(a.status)+" "+http.StatusText(a.status), attempt); err != nil {
					return nil, err
				}
				continue
			}
		}
		return a, nil
	}
}

// claimsChallenge returns the base64 claims of a WWW-Authenticate
// challenge (Bearer ..., error="insufficient_claims", claims="..."), or "".
func claimsChallenge(h http.Header) string {
	for _, v := range h.Values("WWW-Authenticate") {
		i := strings.Index(strings.ToLower(v), "claims=")
		if i < 0 {
			continue
		}
		rest := strings.TrimPrefix(v[i+len("claims="):], `"`)
		if j := strings.IndexAny(rest, `",`); j >= 0 {
			rest = rest[:j]
		}
		if _, err := base64.StdEncoding.DecodeString(rest); err == nil && rest != "" {
			return rest
		}
	}
	return ""
}
