package serviceaccount

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
)

// backoff paces a polling loop: the first wait is PollInterval, each later
// one 1.5 times longer, up to MaxPollInterval. Its elapsed time is the
// larger of the clock's and the sum of the waits asked of Sleep, so that a
// bound holds even when Now does not move with Sleep (an injected Sleep
// without an injected Now).
type backoff struct {
	p       *Provisioner
	start   time.Time
	waited  time.Duration
	next    time.Duration
	attempt int
}

func (p *Provisioner) newBackoff() *backoff {
	return &backoff{p: p, start: p.opts.Now(), next: p.opts.PollInterval, attempt: 1}
}

func (b *backoff) elapsed() time.Duration { return max(b.p.opts.Now().Sub(b.start), b.waited) }

// fits reports whether the next wait ends within limit of the start.
func (b *backoff) fits(limit time.Duration) bool { return b.elapsed()+b.next <= limit }

// event describes the coming wait.
func (b *backoff) event(kind EventKind, upn, msg string) Event {
	return Event{Kind: kind, UserPrincipalName: upn, Message: msg, Attempt: b.attempt, Elapsed: b.elapsed(), Wait: b.next}
}

// sleep waits the next interval, or returns ctx's error.
func (b *backoff) sleep(ctx context.Context) error { return b.sleepFor(ctx, b.next) }

// sleepFor waits d (at least the next interval), or returns ctx's error.
func (b *backoff) sleepFor(ctx context.Context, d time.Duration) error {
	if err := b.p.opts.Sleep(ctx, d); err != nil {
		return err
	}
	b.waited += d
	b.next = min(b.next*3/2, b.p.opts.MaxPollInterval)
	b.attempt++
	return nil
}

// retrier paces the retries of one step's transient failures (see
// [directory.IsTemporary]): each wait is the larger of the backoff's next
// interval and the Retry-After the failure carries ([directory.RetryDelay]),
// and no wait may end later than RetryTimeout after the step's first
// transient failure.
type retrier struct {
	p *Provisioner
	b *backoff // started at the first transient failure
}

func (p *Provisioner) newRetrier() *retrier { return &retrier{p: p} }

// again decides what follows the failure err of step: when err is
// transient and another attempt fits within RetryTimeout, it waits (an
// EventRetry and a log line say what failed, the wait and the attempt) and
// returns nil; otherwise it returns the error that ends the call: err
// itself, or the context's error when ctx is done.
func (r *retrier) again(ctx context.Context, upn, step string, err error) error {
	if !directory.IsTemporary(err) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s failed (%v), and the context ended: %w", step, err, cerr)
	}
	if r.b == nil {
		r.b = r.p.newBackoff()
	}
	b := r.b
	d := max(b.next, directory.RetryDelay(err))
	if b.elapsed()+d > r.p.opts.RetryTimeout {
		return err
	}
	r.p.emit(ctx, Event{Kind: EventRetry, UserPrincipalName: upn, Err: err,
		Message: fmt.Sprintf("%s failed with a transient fault; retrying", step),
		Attempt: b.attempt, Elapsed: b.elapsed(), Wait: d})
	if serr := b.sleepFor(ctx, d); serr != nil {
		return fmt.Errorf("%s failed (%v), and the wait to retry it ended: %w", step, err, serr)
	}
	return nil
}
