package graphtest

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// When says when [Server.DropConnection] hangs up.
type When int

const (
	// Before hangs up before the request is served: nothing is applied.
	Before When = iota
	// After hangs up after the request was served (a write applied) and
	// before the answer is written.
	After
)

// faults are the pending injected faults; Server.mu guards them.
type faults struct {
	throttle           int // next outer requests answered 429
	throttleRetryAfter string
	fail               int // next outer requests answered failStatus
	failStatus         int
	itemThrottle       int // next $batch items answered 429
	itemRetryAfter     string
	batchFail          int // next $batch requests answered batchFailStatus
	batchFailStatus    int
	denied             map[Endpoint]bool
	endpointFails      map[Endpoint]endpointFail
	drops              []drop
}

type drop struct {
	when     When
	endpoint Endpoint
}

// ThrottleNext answers the next n requests (any endpoint; a $batch as a
// whole) 429 Too Many Requests with the given Retry-After header value
// (for example "2.128"; "" for none), without serving them.
func (s *Server) ThrottleNext(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.throttle, s.faults.throttleRetryAfter = n, retryAfter
}

// FailNext answers the next n requests (any endpoint) with status (503 or
// 504, say), without serving them.
func (s *Server) FailNext(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.fail, s.faults.failStatus = n, status
}

// ThrottleBatchItems answers the next n requests inside $batch requests
// 429, each with the given Retry-After in its own headers, without serving
// them; the $batch itself is answered [Options.ThrottledBatchStatus].
func (s *Server) ThrottleBatchItems(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.itemThrottle, s.faults.itemRetryAfter = n, retryAfter
}

// FailBatch answers the next n $batch requests with status as a whole (424
// Failed Dependency, say), with an error body and without serving any of
// their requests.
func (s *Server) FailBatch(n int, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.batchFail, s.faults.batchFailStatus = n, status
}

// DenyPermission answers every request to endpoint, alone or inside a
// $batch, 403 Authorization_RequestDenied, as for a credential lacking the
// permission, until [Server.ClearFaults].
func (s *Server) DenyPermission(endpoint Endpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.denied == nil {
		s.faults.denied = map[Endpoint]bool{}
	}
	s.faults.denied[endpoint] = true
}

// endpointFail is a pending FailEndpoint.
type endpointFail struct{ n, status int }

// FailEndpoint answers the next n requests to endpoint, alone or inside a
// $batch, with status (503 or 504, say) and Graph's error body for it,
// without serving them: a transient fault of one read among those a $batch
// carries.
func (s *Server) FailEndpoint(endpoint Endpoint, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.endpointFails == nil {
		s.faults.endpointFails = map[Endpoint]endpointFail{}
	}
	s.faults.endpointFails[endpoint] = endpointFail{n: n, status: status}
}

// takeEndpointFail reports whether the request to endpoint fails, and with
// which status.
func (s *Server) takeEndpointFail(endpoint Endpoint) (outerFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.faults.endpointFails[endpoint]
	if !ok || f.n == 0 {
		return outerFault{}, false
	}
	f.n--
	s.faults.endpointFails[endpoint] = f
	s.fire(fmt.Sprintf("%d %s", f.status, endpoint))
	return outerFault{status: f.status}, true
}

// DropConnection closes the connection of the next request to endpoint
// (Batch for a whole $batch) without an answer, before serving it or after
// (a write then applied, the client none the wiser).
func (s *Server) DropConnection(when When, endpoint Endpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.drops = append(s.faults.drops, drop{when: when, endpoint: endpoint})
}

// ClearFaults removes every pending fault and denied permission.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{}
}

func (s *Server) takeDrop(when When, endpoint Endpoint) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, d := range s.faults.drops {
		if d.when == when && d.endpoint == endpoint {
			s.faults.drops = append(s.faults.drops[:i:i], s.faults.drops[i+1:]...)
			s.fire(fmt.Sprintf("connection dropped %s %s", map[When]string{Before: "before", After: "after"}[when], endpoint))
			return true
		}
	}
	return false
}

func (s *Server) dropBefore(endpoint Endpoint) bool { return s.takeDrop(Before, endpoint) }
func (s *Server) dropAfter(endpoint Endpoint) bool  { return s.takeDrop(After, endpoint) }

func (s *Server) denied(endpoint Endpoint) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.denied[endpoint] {
		s.fire("403 " + string(endpoint))
		return true
	}
	return false
}

// fire counts a fault that took effect. It must be called with s.mu held.
func (s *Server) fire(kind string) {
	if s.fired == nil {
		s.fired = map[string]int{}
	}
	s.fired[kind]++
}

// Fired returns how many times each kind of injected fault took effect
// (armed faults that no request met are not counted), for reports of
// fault-injection runs.
func (s *Server) Fired() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.fired)
}

func retryAfterKind(v string) string {
	switch {
	case v == "":
		return "absent"
	case strings.Contains(v, "."):
		return "fractional"
	default:
		return "whole"
	}
}

// outerFault is a fault that answers an HTTP request instead of serving it.
type outerFault struct {
	status     int
	retryAfter string
}

func (s *Server) takeOuterFault(endpoint Endpoint) (outerFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	switch {
	case f.throttle > 0:
		f.throttle--
		s.fire("429 Retry-After " + retryAfterKind(f.throttleRetryAfter))
		return outerFault{status: http.StatusTooManyRequests, retryAfter: f.throttleRetryAfter}, true
	case f.fail > 0:
		f.fail--
		s.fire(fmt.Sprint(f.failStatus))
		return outerFault{status: f.failStatus}, true
	case endpoint == Batch && f.batchFail > 0:
		f.batchFail--
		s.fire(fmt.Sprintf("$batch answered %d", f.batchFailStatus))
		return outerFault{status: f.batchFailStatus}, true
	}
	return outerFault{}, false
}

// takeItemThrottle reports whether the next $batch item is throttled, and
// its Retry-After.
func (s *Server) takeItemThrottle() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.itemThrottle > 0 {
		s.faults.itemThrottle--
		s.fire("$batch item 429")
		return s.faults.itemRetryAfter, true
	}
	return "", false
}

func (s *Server) faultResponse(f outerFault, crid string) response {
	if f.status == http.StatusTooManyRequests {
		r := s.throttleResponse(crid)
		if f.retryAfter != "" {
			r.header.Set("Retry-After", f.retryAfter)
		}
		return r
	}
	code, message := "serviceNotAvailable", "The service is temporarily unavailable."
	switch f.status {
	case http.StatusGatewayTimeout:
		code, message = "gatewayTimeout", "The gateway timed out."
	case http.StatusFailedDependency:
		code, message = "FailedDependency", "The batch failed: a request it depends on failed."
	}
	return s.errorResponse(f.status, code, message, nil, crid)
}

// throttleResponse is the 429 of Microsoft's throttling guidance.
func (s *Server) throttleResponse(crid string) response {
	rid := s.nextRequestID()
	if crid == "" {
		crid = rid
	}
	h := http.Header{}
	h.Set("request-id", rid)
	h.Set("Content-Type", "application/json")
	return response{status: http.StatusTooManyRequests, header: h, body: object{{"error", object{
		{"code", "TooManyRequests"},
		{"innerError", object{
			{"code", "429"},
			{"date", time.Now().UTC().Format("2006-01-02T15:04:05")},
			{"message", "Please retry after"},
			{"request-id", rid},
			{"status", "429"},
		}},
		{"message", "Please retry again later."},
	}}}}
}
