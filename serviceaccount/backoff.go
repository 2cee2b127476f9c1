package serviceaccount

import (
	"context"
	"time"
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
func (b *backoff) sleep(ctx context.Context) error {
	if err := b.p.opts.Sleep(ctx, b.next); err != nil {
		return err
	}
	b.waited += b.next
	b.next = min(b.next*3/2, b.p.opts.MaxPollInterval)
	b.attempt++
	return nil
}
