package verify

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// Target is one account to verify in [VerifyFleet]: typically one customer
// tenant, with its own directory (its own Graph credential).
type Target struct {
	// Name labels the target in results (a tenant name or ID).
	Name      string
	Directory directory.Directory
	Account   serviceaccount.Account
	// Timeout bounds this target's verification; zero uses
	// FleetOptions.Timeout.
	Timeout time.Duration
}

// FleetOptions configures [VerifyFleet]. A nil *FleetOptions uses the
// defaults.
type FleetOptions struct {
	// Concurrency is how many targets are verified at once. Default 16.
	Concurrency int
	// Timeout bounds each target's verification, so that one slow or
	// throttled tenant holds one worker for at most this long. Default 2
	// minutes.
	Timeout time.Duration
	// Verifier configures the Verifier made for each target.
	Verifier *Options
}

// FleetResult is the outcome for one target.
type FleetResult struct {
	// Index is the target's position in the slice given to VerifyFleet.
	Index  int
	Name   string
	Report Report
	// Err is Verify's error: the target could not be checked at all
	// (including its deadline passing).
	Err      error
	Duration time.Duration
}

// VerifyFleet verifies many targets concurrently and streams each result on
// the returned channel as soon as it is ready, in completion order; the
// channel is closed after the last one. Every target yields exactly one
// result. Targets are started in order, at most opts.Concurrency at a time;
// each runs under its own deadline, so a slow or throttled tenant never
// stalls the others beyond its own Timeout. When ctx is done, targets not
// yet started yield ctx's error without touching their directory.
//
// The channel is buffered for every result, so a slow reader never blocks
// the workers.
func VerifyFleet(ctx context.Context, targets []Target, opts *FleetOptions) <-chan FleetResult {
	var o FleetOptions
	if opts != nil {
		o = *opts
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	out := make(chan FleetResult, len(targets))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Concurrency, len(targets)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out <- verifyTarget(ctx, i, targets[i], o)
			}
		}()
	}
	go func() {
		defer close(out)
		for i := range targets {
			next <- i
		}
		close(next)
		wg.Wait()
	}()
	return out
}

func verifyTarget(ctx context.Context, i int, t Target, o FleetOptions) FleetResult {
	start := time.Now()
	res := FleetResult{Index: i, Name: t.Name}
	if err := ctx.Err(); err != nil {
		res.Err = &Error{Account: t.Account.String(), Err: err}
		return res
	}
	if t.Directory == nil {
		res.Err = &Error{Account: t.Account.String(), Err: fmt.Errorf("target %d (%q) has no directory: %w", i, t.Name, directory.ErrInvalid)}
		return res
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = o.Timeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res.Report, res.Err = New(t.Directory, o.Verifier).Verify(tctx, t.Account)
	res.Duration = time.Since(start)
	return res
}
