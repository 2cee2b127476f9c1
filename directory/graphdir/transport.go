package graphdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	abs "github.com/microsoft/kiota-abstractions-go"
)

// transport is the outermost http.RoundTripper of the client the SDK's
// request adapter uses. It replaces the SDK's retry handler (which truncates
// a fractional Retry-After such as 2.128 to whole seconds, and sleeps on its
// own timer): it retries 429, 503 and 504 answers after exactly the
// Retry-After they carry (or an exponential backoff with jitter), retries
// connection failures of GET and DELETE, never a POST whose answer was lost,
// waits through Options.Sleep, bounds every response body, logs every
// attempt, and hands the raw error body of a failed request to the
// caller's [capture] so that one parser ([parseError]) reads every Graph
// error.
type transport struct {
	next           http.RoundTripper
	maxRetries     int
	maxRetryWait   time.Duration
	attemptTimeout time.Duration
	maxBody        int64
	sleep          func(context.Context, time.Duration) error
	log            *slog.Logger
}

// capture is a request option (the SDK stores request options in the
// request's context, the way its own middleware options travel) through
// which the transport reports the final answer to a request: its status and
// headers, and the body of an error answer. The SDK is then handed an empty
// error body, so that its own error parsing (whose ODataError.Error panics
// when the message is missing) never runs.
type capture struct {
	// idempotent marks a POST that is safe to repeat after a lost
	// connection (a $batch of GETs).
	idempotent bool

	status int
	header http.Header
	body   []byte
}

var captureKey = abs.RequestOptionKey{Key: "github.com/cloudhub/consent/directory/graphdir.capture"}

// GetKey implements abs.RequestOption.
func (*capture) GetKey() abs.RequestOptionKey { return captureKey }

func (c *capture) options() []abs.RequestOption { return []abs.RequestOption{c} }

// responseTooLargeError reports a body over Options.MaxResponseBytes.
type responseTooLargeError struct{ limit int64 }

func (e *responseTooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds %d bytes (Options.MaxResponseBytes)", e.limit)
}

// lostAnswerError reports a connection lost after a request that is not
// safe to repeat may have been received: it may or may not have been
// applied.
type lostAnswerError struct {
	method string
	err    error
}

func (e *lostAnswerError) Error() string {
	return fmt.Sprintf("connection lost before the answer to a %s, which may or may not have been applied: %v", e.method, e.err)
}

func (e *lostAnswerError) Unwrap() error { return e.err }

// attemptTimeoutError reports an attempt that outlasted the per-attempt
// timeout (Options.HTTPClient.Timeout) while the caller's context was live.
type attemptTimeoutError struct{ d time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %v", e.d)
}

func (e *attemptTimeoutError) Timeout() bool { return true }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	header := req.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if header.Get("client-request-id") == "" {
		header.Set("client-request-id", uuid.NewString())
	}
	capt, _ := ctx.Value(captureKey).(*capture)
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		resp, err := t.attempt(ctx, req, header, body, attempt)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !safeToRepeat(req.Method, err) && (capt == nil || !capt.idempotent) {
				return nil, &lostAnswerError{method: req.Method, err: err}
			}
			if attempt >= t.maxRetries {
				return nil, err
			}
			if err := t.wait(ctx, req, backoff(attempt, t.maxRetryWait), "connection failed", attempt); err != nil {
				return nil, err
			}
			continue
		}
		if retryableStatus(resp.StatusCode) && attempt < t.maxRetries {
			d, ok := retryAfter(resp.Header, time.Now())
			if !ok {
				d = backoff(attempt, t.maxRetryWait)
			}
			if d <= t.maxRetryWait {
				discard(resp)
				if err := t.wait(ctx, req, d, resp.Status, attempt); err != nil {
					return nil, err
				}
				continue
			}
			// The service asks for a longer wait than we may take: let
			// the caller see the 429 and its Retry-After.
		}
		return t.finish(resp, capt)
	}
}

// attempt sends the request once, with its own timeout.
func (t *transport) attempt(ctx context.Context, req *http.Request, header http.Header, body []byte, attempt int) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, t.attemptTimeout)
	r := req.Clone(actx)
	r.Header = header.Clone()
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		err = &attemptTimeoutError{d: t.attemptTimeout}
	}
	t.logAttempt(ctx, req, resp, err, time.Since(start), attempt, header.Get("client-request-id"))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// finish bounds the body of the final answer and reports it to capt.
func (t *transport) finish(resp *http.Response, capt *capture) (*http.Response, error) {
	if capt != nil {
		capt.status = resp.StatusCode
		capt.header = resp.Header.Clone()
	}
	if resp.StatusCode >= 400 && capt != nil {
		// Keep the error body for parseError (truncated to the limit:
		// it is only read for its message) and give the SDK none.
		b, _ := io.ReadAll(io.LimitReader(resp.Body, t.maxBody))
		resp.Body.Close()
		capt.body = b
		resp.Body = http.NoBody
		resp.ContentLength = 0
		resp.Header.Del("Content-Length")
		return resp, nil
	}
	if resp.ContentLength > t.maxBody {
		resp.Body.Close()
		return nil, &responseTooLargeError{limit: t.maxBody}
	}
	resp.Body = &limitedBody{r: resp.Body, left: t.maxBody, limit: t.maxBody}
	return resp, nil
}

func (t *transport) wait(ctx context.Context, req *http.Request, d time.Duration, why string, attempt int) error {
	if t.log.Enabled(ctx, slog.LevelDebug) {
		t.log.LogAttrs(ctx, slog.LevelDebug, "graph retry",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.String("reason", why),
			slog.Int("attempt", attempt+1),
			slog.Duration("wait", d))
	}
	return t.sleep(ctx, d)
}

func (t *transport) logAttempt(ctx context.Context, req *http.Request, resp *http.Response, err error, d time.Duration, attempt int, clientRequestID string) {
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.Duration("duration", d),
		slog.Int("attempt", attempt+1),
		slog.String("client-request-id", clientRequestID),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.String("request-id", resp.Header.Get("request-id")))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "graph request", attrs...)
}

// retryableStatus reports the answers that mean "not now": throttled,
// unavailable, gateway timeout.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// safeToRepeat reports whether a request that failed with err may be sent
// again: a GET or DELETE always (repeating them changes nothing more), any
// request when the connection could not even be opened.
func safeToRepeat(method string, err error) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete, http.MethodOptions:
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryAfter returns the wait a Retry-After header asks for: fractional
// seconds ("2.128") or an HTTP date (measured from the answer's Date header
// when there is one, else from now). ok is false when there is no usable
// header.
func retryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || math.IsNaN(secs) || secs > 1e6 {
			return 0, false
		}
		// Round up, so that the wait is never shorter than asked.
		return time.Duration(math.Ceil(secs * float64(time.Second))), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	d = t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// backoff returns the wait before retry attempt+1 when the service gave no
// Retry-After: 1 s, 2 s, 4 s... capped at max, with jitter (50-100%).
func backoff(attempt int, max time.Duration) time.Duration {
	d := time.Second << min(attempt, 20)
	if d > max || d <= 0 {
		d = max
	}
	return d/2 + rand.N(d/2+1)
}

func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// cancelBody releases an attempt's context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// limitedBody fails a read past the limit instead of returning a truncated
// body.
type limitedBody struct {
	r     io.ReadCloser
	left  int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, &responseTooLargeError{limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.r.Close() }
