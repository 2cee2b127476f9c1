package graphdir_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/google/go-cmp/cmp"
)

// policyLog records what the retry policy was asked.
type policyLog struct {
	mu       sync.Mutex
	statuses []int
}

func (p *policyLog) options() *graphdir.Options {
	return &graphdir.Options{
		// 500 is retried too (not by default).
		CheckRetry: func(ctx context.Context, attempt, status int, header http.Header, err error) (bool, error) {
			p.mu.Lock()
			p.statuses = append(p.statuses, status)
			p.mu.Unlock()
			if status == http.StatusInternalServerError {
				return true, nil
			}
			return graphdir.DefaultCheckRetry(ctx, attempt, status, header, err)
		},
		// A fixed pace: 7 s per attempt number.
		Backoff: func(attempt int, header http.Header, max time.Duration) time.Duration {
			return time.Duration(attempt+1) * 7 * time.Second
		},
	}
}

// The one retry policy of Options serves a request sent alone and the
// items of a $batch alike.
func TestRetryPolicyServesRequestsAndBatchItems(t *testing.T) {
	ctx := context.Background()

	t.Run("alone", func(t *testing.T) {
		p := &policyLog{}
		e := newEnv(t, nil, p.options())
		e.srv.FailNext(2, http.StatusInternalServerError)
		if _, err := e.dir.Domains(ctx); err != nil {
			t.Fatalf("Domains after two 500s: %v", err)
		}
		if diff := cmp.Diff([]int{500, 500}, p.statuses); diff != "" {
			t.Errorf("statuses asked about (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second, 14 * time.Second}, e.sleep.Waits()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})

	t.Run("batch items", func(t *testing.T) {
		p := &policyLog{}
		e := newEnv(t, nil, p.options())
		u := seed(t, e, "svc@contoso.onmicrosoft.com")
		e.srv.ThrottleBatchItems(1, "")
		s, err := e.dir.Snapshot(ctx, snapshotOf(u.ID))
		if err != nil || s.UserErr != nil {
			t.Fatalf("Snapshot: %v, %v", err, s.UserErr)
		}
		found := false
		for _, st := range p.statuses {
			found = found || st == http.StatusTooManyRequests
		}
		if !found {
			t.Errorf("the policy was not asked about the throttled item: %v", p.statuses)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second}, e.sleep.Waits()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})

	t.Run("policy stops", func(t *testing.T) {
		e := newEnv(t, nil, &graphdir.Options{
			CheckRetry: func(context.Context, int, int, http.Header, error) (bool, error) { return false, nil },
		})
		e.srv.ThrottleNext(1, "1")
		_, err := e.dir.Domains(ctx)
		if !errors.Is(err, directory.ErrThrottled) {
			t.Errorf("err = %v, want ErrThrottled (no retry)", err)
		}
		if n := e.roundTrips(); n != 1 {
			t.Errorf("%d round trips, want 1", n)
		}
	})
}
