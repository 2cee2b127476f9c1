package graphtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// batchRequest is the body of POST /$batch.
type batchRequest struct {
	Requests []batchItem `json:"requests"`
}

type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

func parseBatch(body []byte) (*batchRequest, error) {
	var b batchRequest
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

const maxBatchRequests = 20

// serveBatch runs the requests of a $batch in dependency order and lists
// their answers in reverse order (Graph may answer in any order).
func (s *Server) serveBatch(ctx context.Context, who identity, b *batchRequest, raw []byte, crid string) response {
	bad := func(msg string) response { return s.errorResponse(http.StatusBadRequest, "BadRequest", msg, nil, crid) }
	if b == nil {
		if _, err := parseBatch(raw); err != nil {
			return bad("Invalid batch payload format: " + err.Error())
		}
		return bad("Invalid batch payload format.")
	}
	switch n := len(b.Requests); {
	case n == 0:
		return bad("The batch contains no requests.")
	case n > maxBatchRequests:
		return bad(fmt.Sprintf("The batch contains %d requests; the limit is %d.", n, maxBatchRequests))
	}
	byID := map[string]*batchItem{}
	for i := range b.Requests {
		it := &b.Requests[i]
		switch {
		case it.ID == "":
			return bad("Every request of a batch needs an id.")
		case byID[strings.ToLower(it.ID)] != nil:
			return bad(fmt.Sprintf("The id %q is used by two requests of the batch.", it.ID))
		case it.Method == "" || it.URL == "":
			return bad(fmt.Sprintf("Request %q needs a method and a url.", it.ID))
		case strings.Contains(it.URL, "://"):
			return bad(fmt.Sprintf("Request %q: the url must be relative to the service root.", it.ID))
		case len(it.Body) > 0 && headerValue(it.Headers, "Content-Type") == "":
			return bad(fmt.Sprintf("Request %q has a body but no Content-Type header.", it.ID))
		case isWrite(it.Method) && !hasBody(it.Body):
			// JSON batching: a write (POST, PATCH, PUT) must specify
			// headers and a body, an empty object at least. Graph refuses
			// the whole batch, with this message.
			return bad(fmt.Sprintf("Write request id : %s does not contain Content-Type header or body.", it.ID))
		}
		byID[strings.ToLower(it.ID)] = it
	}
	for _, it := range b.Requests {
		for _, dep := range it.DependsOn {
			if byID[strings.ToLower(dep)] == nil {
				return bad(fmt.Sprintf("Request %q depends on unknown request %q.", it.ID, dep))
			}
		}
	}

	type answer struct {
		status    int
		header    http.Header
		body      any
		throttled bool
	}
	answers := map[string]*answer{}
	visiting := map[string]bool{}
	var run func(it *batchItem) (*answer, bool)
	run = func(it *batchItem) (*answer, bool) {
		key := strings.ToLower(it.ID)
		if a := answers[key]; a != nil {
			return a, true
		}
		if visiting[key] {
			return nil, false // a cycle
		}
		visiting[key] = true
		for _, dep := range it.DependsOn {
			da, ok := run(byID[strings.ToLower(dep)])
			if !ok {
				return nil, false
			}
			if da.status < 200 || da.status > 299 {
				r := s.errorResponse(http.StatusFailedDependency, "FailedDependency",
					fmt.Sprintf("The request depends on request %q, which failed.", dep), nil, crid)
				a := &answer{status: r.status, header: r.header, body: r.body}
				answers[key] = a
				return a, true
			}
		}
		var r response
		throttled := false
		if ra, ok := s.takeItemThrottle(); ok {
			r = s.throttleResponse(crid)
			if ra != "" {
				r.header.Set("Retry-After", ra)
			}
			throttled = true
		} else {
			path, query, _ := strings.Cut(it.URL, "?")
			if !strings.HasPrefix(path, "/") {
				path = "/" + path
			}
			r = s.dispatch(ctx, who, strings.ToUpper(it.Method), path, query, it.Body, crid)
		}
		a := &answer{status: r.status, header: r.header, body: r.body, throttled: throttled}
		answers[key] = a
		return a, true
	}
	for i := range b.Requests {
		if _, ok := run(&b.Requests[i]); !ok {
			return bad("The dependsOn of the batch form a cycle.")
		}
	}

	status := http.StatusOK
	var out []any
	for _, it := range slices.Backward(b.Requests) {
		a := answers[strings.ToLower(it.ID)]
		if a.throttled {
			status = s.throttledBatchStatus
		}
		headers := object{}
		if a.body != nil {
			headers = append(headers, field{"Content-Type", jsonContentType})
		}
		for _, k := range slices.Sorted(maps.Keys(a.header)) {
			switch k {
			case "Content-Type", "Request-Id":
			default:
				headers = append(headers, field{k, strings.Join(a.header[k], ",")})
			}
		}
		item := object{{"id", it.ID}, {"status", a.status}, {"headers", headers}}
		if a.body != nil {
			item = append(item, field{"body", a.body})
		}
		out = append(out, item)
	}
	return response{status: status, body: object{{"responses", out}}}
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// isWrite reports whether a request of a batch must have a body.
func isWrite(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodPost, http.MethodPatch, http.MethodPut:
		return true
	}
	return false
}

// hasBody reports whether a request of a batch has a body: a JSON value
// other than null.
func hasBody(b json.RawMessage) bool {
	t := strings.TrimSpace(string(b))
	return t != "" && t != "null"
}
