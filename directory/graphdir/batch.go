package graphdir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// JSON batching (POST /$batch) is encoded and decoded here rather than with
// msgraph-sdk-go-core's BatchRequestCollection, which splits at 19 requests
// instead of 20, drops each item's headers (and with them its Retry-After)
// from the errors it builds, names items with random UUIDs, and converts
// every body through reflection and gob. Each item is a [request], the
// description a single request is sent from; the $batch itself is one more
// request, sent by [Directory.exchange] with the same authentication,
// transport and retry policy as every other, and its items are retried
// under the same policy.

// batchItem is one request of a JSON batch and, after Directory.batch, its
// answer.
type batchItem struct {
	*request
	// dependsOn are items that must succeed first (sent in the same batch,
	// they become its dependsOn; already done, they are left out).
	dependsOn []*batchItem
	// goneOK makes a 404 answer count as success: deleting what is
	// already gone.
	goneOK bool

	// The answer.
	status   int
	header   http.Header
	resp     []byte
	err      error      // no answer: the batch failed as a whole, or the context
	failed   *batchItem // a dependency that failed
	done     bool
	attempts int
}

func (it *batchItem) ok() bool {
	return it.done && it.err == nil && it.failed == nil &&
		(it.status >= 200 && it.status < 300 || it.goneOK && it.status == http.StatusNotFound)
}

// error returns the item's failure as an *Error naming its operation and
// object, or nil.
func (it *batchItem) error() error {
	switch {
	case it.err != nil:
		var e *Error
		if errors.As(it.err, &e) {
			c := *e
			c.Op, c.Object = string(it.op), it.object
			return &c
		}
		return contextError(it.op, it.object, it.err)
	case it.failed != nil:
		e := parseError(it.op, it.object, http.StatusFailedDependency, it.header, it.resp, it.failed.error())
		e.need = it.need
		return e
	case it.ok():
		return nil
	case !it.done:
		return unexpected(it.op, it.object, 0, "no answer in the $batch")
	default:
		e := parseError(it.op, it.object, it.status, it.header, it.resp, nil)
		e.need = it.need
		return e
	}
}

// item makes r an item of a $batch.
func item(r *request) *batchItem { return &batchItem{request: r} }

// answer returns the item's answer.
func (it *batchItem) answer() *answer {
	return &answer{status: it.status, header: it.header, body: it.resp}
}

type wireBatchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

type wireBatchResponse struct {
	Responses []struct {
		ID      string                     `json:"id"`
		Status  int                        `json:"status"`
		Headers map[string]json.RawMessage `json:"headers"`
		Body    json.RawMessage            `json:"body"`
	} `json:"responses"`
}

// batch sends items in as few $batch requests as it can (20 items each, an
// item's dependencies in the same batch or an earlier one) and records each
// item's answer. Items the retry policy retries ([Options.CheckRetry]: by
// default those answered 429, 503 or 504) are sent again in a new batch
// after the longest of their waits ([Options.Backoff]: by default their
// own Retry-After, or a backoff), up to MaxRetries times; an item answered 424 because a dependency failed is
// sent again when the dependency has succeeded since (it was throttled, or
// its 404 counts as success), and fails with the dependency's error
// otherwise. A batch answered 424 as a whole is sent again after a backoff.
//
// batch returns an error only when a $batch request failed as a whole
// (the error is then also each unanswered item's); each item carries its
// own outcome.
func (d *Directory) batch(ctx context.Context, items []*batchItem) error {
	for _, it := range items {
		if it.bodyErr != nil {
			it.done, it.err = true, it.unencodable()
		}
	}
	for {
		var pending []*batchItem
		for _, it := range items {
			if !it.done {
				pending = append(pending, it)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			for _, it := range pending {
				it.done, it.err = true, err
			}
			return err
		}
		chunk := d.nextChunk(pending)
		if len(chunk) == 0 {
			// nextChunk settled the items whose dependencies failed; any
			// other is waiting for an item that will never be sent.
			for _, it := range pending {
				if !it.done {
					it.done, it.err = true, unexpected(it.op, it.object, 0, "unsatisfiable $batch dependency")
				}
			}
			continue
		}
		wait, err := d.send(ctx, chunk)
		if err != nil {
			for _, it := range items {
				if !it.done {
					it.done, it.err = true, err
				}
			}
			return err
		}
		if wait > 0 && !allDone(items) {
			if err := d.cfg.sleep(ctx, wait); err != nil {
				continue // the next round records the context's error
			}
		}
	}
}

func allDone(items []*batchItem) bool {
	for _, it := range items {
		if !it.done {
			return false
		}
	}
	return true
}

// nextChunk picks up to 20 pending items whose dependencies have succeeded
// or are in the chunk, and settles those whose dependencies failed.
func (d *Directory) nextChunk(pending []*batchItem) []*batchItem {
	chunk := make([]*batchItem, 0, min(len(pending), maxBatchSize))
	in := make(map[*batchItem]bool, maxBatchSize)
	for _, it := range pending {
		ready := true
		for _, dep := range it.dependsOn {
			switch {
			case dep.ok() || in[dep]:
			case dep.done:
				it.done, it.failed = true, dep
				ready = false
			default:
				ready = false
			}
		}
		if ready && len(chunk) < maxBatchSize {
			chunk = append(chunk, it)
			in[it] = true
		}
	}
	return chunk
}

// send sends one $batch and records the answers. It returns how long to
// wait before the next round (the longest Retry-After of the items to
// retry), or an error when the batch failed as a whole.
func (d *Directory) send(ctx context.Context, chunk []*batchItem) (time.Duration, error) {
	ids := make(map[*batchItem]string, len(chunk))
	chained := make(map[*batchItem]bool, len(chunk))
	byID := make(map[string]*batchItem, len(chunk))
	reqs := make([]wireBatchRequest, len(chunk))
	readOnly := true
	for i, it := range chunk {
		id := strconv.Itoa(i + 1)
		ids[it], byID[id] = id, it
		r := wireBatchRequest{ID: id, Method: it.method, URL: it.path, Headers: it.headers}
		if it.body != nil {
			r.Headers = make(map[string]string, len(it.headers)+1)
			for k, v := range it.headers {
				r.Headers[k] = v
			}
			r.Headers["Content-Type"] = "application/json"
			r.Body = it.body
		}
		for _, dep := range it.dependsOn {
			if depID, ok := ids[dep]; ok {
				r.DependsOn = append(r.DependsOn, depID)
				chained[it] = true
			}
		}
		if it.method != http.MethodGet {
			readOnly = false
		}
		reqs[i] = r
	}
	payload, err := json.Marshal(struct {
		Requests []wireBatchRequest `json:"requests"`
	}{reqs})
	if err != nil {
		return 0, unexpected(opBatch, "", 0, "encode $batch: %v", err)
	}

	br := &request{op: opBatch, method: http.MethodPost, path: "/$batch", body: payload, repeatable: readOnly}
	a, err := d.exchange(ctx, br)
	switch {
	case err != nil:
		return 0, br.failed(ctx, nil, err)
	case a.status < 400:
	case hasResponses(a.body):
		// A batch with throttled items may be answered 424 as a whole
		// and still carry every item's answer.
	case a.status == http.StatusFailedDependency:
		// Answered 424 without the items' answers: nothing was run.
		return d.retryChunk(ctx, chunk, a.header, a.body), nil
	default:
		return 0, br.failed(ctx, a, nil)
	}
	var wr wireBatchResponse
	if err := json.Unmarshal(a.body, &wr); err != nil {
		return 0, unexpected(opBatch, "", a.status, "undecodable $batch answer: %v", err)
	}

	var wait time.Duration
	answered := make(map[*batchItem]bool, len(chunk))
	for _, r := range wr.Responses {
		it := byID[r.ID]
		if it == nil || answered[it] {
			continue
		}
		answered[it] = true
		it.attempts++
		it.status, it.resp = r.Status, r.Body
		it.header = make(http.Header, len(r.Headers))
		for k, v := range r.Headers {
			if s := jsonString(v); s != "" {
				it.header.Set(k, s)
			} else if len(v) > 0 && v[0] != 'n' { // a number, say; not null
				it.header.Set(k, string(v))
			}
		}
		switch {
		case it.status == http.StatusFailedDependency:
			// Decided below, once every answer is in. An item sent after
			// another in this batch did not fail on its own: no attempt
			// is spent (each round settles at least the first item of a
			// chain, so this ends).
			if chained[it] {
				it.attempts--
			}
		case it.status < 400:
			it.done = true
		default:
			dt, retry, perr := d.cfg.retryWait(ctx, it.attempts-1, it.status, it.header, nil)
			switch {
			case perr != nil:
				it.done, it.err = true, perr
			case retry:
				wait = max(wait, dt)
			default:
				it.done = true // fails with its own answer (a 429 with its Retry-After)
			}
		}
	}
	if d.cfg.log.Enabled(ctx, slog.LevelDebug) {
		var b strings.Builder
		for i, it := range chunk {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s:%s:%d", ids[it], it.op, it.status)
		}
		d.cfg.log.LogAttrs(ctx, slog.LevelDebug, "graph batch", slog.Int("requests", len(chunk)), slog.String("answers", b.String()))
	}
	for _, it := range chunk {
		switch {
		case !answered[it]:
			// Missing from the answer: try again, a bounded number of times.
			it.attempts++
			missing := unexpected(it.op, it.object, a.status, "no answer in the $batch")
			dt, retry, perr := d.cfg.retryWait(ctx, it.attempts-1, 0, nil, missing)
			switch {
			case perr != nil:
				it.done, it.err = true, perr
			case retry:
				wait = max(wait, dt)
			default:
				it.done, it.err = true, missing
			}
		case it.status == http.StatusFailedDependency:
			d.settleFailedDependency(it)
		}
	}
	return wait, nil
}

// settleFailedDependency decides what to do with an item answered 424: send
// it again if its dependencies have all succeeded by now or are being
// retried, fail it with a dependency's error otherwise.
func (d *Directory) settleFailedDependency(it *batchItem) {
	for _, dep := range it.dependsOn {
		if dep.done && !dep.ok() {
			it.done, it.failed = true, dep
			return
		}
	}
	if it.attempts > d.cfg.maxRetries+1 {
		it.done = true
	}
}

// retryChunk handles a $batch answered 424 without item answers: every item
// is sent again after the answer's Retry-After or a backoff, within
// MaxRetries.
func (d *Directory) retryChunk(ctx context.Context, chunk []*batchItem, header http.Header, body []byte) time.Duration {
	var wait time.Duration
	for _, it := range chunk {
		it.attempts++
		dt := time.Duration(0)
		if it.attempts <= d.cfg.maxRetries {
			dt = d.cfg.backoff(it.attempts-1, header, d.cfg.maxRetryWait)
		}
		if it.attempts > d.cfg.maxRetries || dt > d.cfg.maxRetryWait {
			it.done = true
			it.status, it.header, it.resp = http.StatusFailedDependency, header, body
			continue
		}
		wait = max(wait, dt)
	}
	return wait
}

func hasResponses(body []byte) bool {
	var probe struct {
		Responses json.RawMessage `json:"responses"`
	}
	return json.Unmarshal(body, &probe) == nil && len(probe.Responses) > 0 && probe.Responses[0] == '['
}
