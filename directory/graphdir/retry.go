package graphdir

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CheckRetry decides, after attempt (counted from 0) of a request or of a
// $batch item ended, whether to send it again. status and header are the
// answer's (the item's own inside a $batch); status is 0 when no answer
// came, and err then says why (a connection failure, a timeout, an item
// missing from its $batch answer). Returning false stops the retries: the
// request fails with the answer (or err). A non-nil error stops them too,
// and is the cause the request fails with.
//
// CheckRetry is asked only about failed attempts (an answer of 400 or
// above, or none) and only while [Options.MaxRetries] allows another
// attempt; never about a request that may have been applied already (a
// POST whose connection was lost after it was sent, which fails with
// [directory.ErrUnavailable] instead), and never about a $batch answered
// 424 as a whole (nothing in it ran: it is always sent again, within
// MaxRetries). It is the same policy for single requests and for $batch
// items, in the manner of go-retryablehttp's CheckRetry.
type CheckRetry func(ctx context.Context, attempt, status int, header http.Header, err error) (bool, error)

// Backoff returns how long to wait before the attempt after attempt
// (counted from 0), given the headers of the answer that asked for a
// retry (nil when none came) and the longest wait allowed
// ([Options.MaxRetryWait]). A wait longer than that is not taken: the
// request fails with the answer, whose [Error.RetryAfter] says what the
// service asked for. Every wait goes through [Options.Sleep].
type Backoff func(attempt int, header http.Header, max time.Duration) time.Duration

// DefaultCheckRetry is the default [CheckRetry]: it retries answers 429
// (throttled), 503 and 504 (unavailable), and failures to get an answer,
// and stops when ctx is done, with ctx's error.
func DefaultCheckRetry(ctx context.Context, attempt, status int, header http.Header, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	return err != nil || retryableStatus(status), nil
}

// DefaultBackoff is the default [Backoff]: exactly the Retry-After of
// header (fractional seconds such as 2.128, rounded up to the nanosecond,
// or an HTTP date measured from the answer's Date header), or else an
// exponential backoff with jitter: 1 s, 2 s, 4 s... capped at max, each
// wait 50-100% of that.
func DefaultBackoff(attempt int, header http.Header, max time.Duration) time.Duration {
	if d, ok := retryAfter(header, time.Now()); ok {
		return d
	}
	return backoff(attempt, max)
}

// retryWait applies the retry policy to attempt: whether to send the
// request again, after how long, or the error the policy stops with.
func (c *config) retryWait(ctx context.Context, attempt, status int, header http.Header, err error) (time.Duration, bool, error) {
	if attempt >= c.maxRetries {
		return 0, false, nil
	}
	retry, perr := c.checkRetry(ctx, attempt, status, header, err)
	if perr != nil || !retry {
		return 0, false, perr
	}
	d := c.backoff(attempt, header, c.maxRetryWait)
	if d > c.maxRetryWait {
		// The service asks for a longer wait than we may take: let the
		// caller see the answer and its Retry-After.
		return 0, false, nil
	}
	return d, true, nil
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
