package graphdir

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// This file sends one attempt of a request over HTTP: with its own
// timeout, its response body read whole and bounded, and logged. The
// attempts are made by [Directory.exchange] under the retry policy; below
// them, the http.RoundTripper is the Graph SDK's middleware (redirects,
// user agent, parameter-name decoding) over Options.HTTPClient's
// transport. The SDK's retry handler is not in it (it truncates a
// fractional Retry-After such as 2.128 to whole seconds and sleeps on its
// own timer), nor its compression handler (bodies here are tiny).

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

// attempt sends a request once, with its own timeout, and reads the answer.
// The body of an error answer (400 and above) is truncated to
// Options.MaxResponseBytes (it is read only for its message); a longer
// body of any other answer fails the attempt.
func (d *Directory) attempt(ctx context.Context, method string, u *url.URL, header http.Header, body []byte, attempt int) (*answer, error) {
	actx, cancel := context.WithTimeout(ctx, d.cfg.attemptTimeout)
	defer cancel()
	req := (&http.Request{Method: method, URL: u, Host: u.Host, Header: header.Clone(), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}).WithContext(actx)
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	start := time.Now()
	resp, err := d.transport.RoundTrip(req)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		err = &attemptTimeoutError{d: d.cfg.attemptTimeout}
	}
	d.logAttempt(ctx, method, u, resp, err, time.Since(start), attempt, header.Get("client-request-id"))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	max := d.cfg.maxBody
	if resp.StatusCode >= 400 {
		a.body, _ = io.ReadAll(io.LimitReader(resp.Body, max))
		return a, nil
	}
	if resp.ContentLength > max {
		return nil, &responseTooLargeError{limit: max}
	}
	// One more byte tells a body of exactly the limit from a longer one.
	a.body, err = io.ReadAll(io.LimitReader(resp.Body, max+1))
	if int64(len(a.body)) > max {
		return nil, &responseTooLargeError{limit: max}
	}
	if err != nil {
		if ctx.Err() == nil && actx.Err() != nil {
			err = &attemptTimeoutError{d: d.cfg.attemptTimeout}
		}
		return nil, err
	}
	return a, nil
}

// wait sleeps before a retry, through Options.Sleep.
func (d *Directory) wait(ctx context.Context, method string, u *url.URL, dur time.Duration, why string, attempt int) error {
	if d.cfg.log.Enabled(ctx, slog.LevelDebug) {
		d.cfg.log.LogAttrs(ctx, slog.LevelDebug, "graph retry",
			slog.String("method", method),
			slog.String("path", u.Path),
			slog.String("reason", why),
			slog.Int("attempt", attempt+1),
			slog.Duration("wait", dur))
	}
	return d.cfg.sleep(ctx, dur)
}

func (d *Directory) logAttempt(ctx context.Context, method string, u *url.URL, resp *http.Response, err error, dur time.Duration, attempt int, clientRequestID string) {
	if !d.cfg.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("path", u.Path),
		slog.Duration("duration", dur),
		slog.Int("attempt", attempt+1),
		slog.String("client-request-id", clientRequestID),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.String("request-id", resp.Header.Get("request-id")))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	d.cfg.log.LogAttrs(ctx, slog.LevelDebug, "graph request", attrs...)
}
