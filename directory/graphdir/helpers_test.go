package graphdir_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

// fakeCredential is an azcore.TokenCredential that hands out a token
// naming the scopes it was asked for, and records the requests.
type fakeCredential struct {
	mu       sync.Mutex
	requests []policy.TokenRequestOptions
	err      error
}

func (c *fakeCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, opts)
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	return azcore.AccessToken{Token: "token-for " + strings.Join(opts.Scopes, " "), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// sleeper is an Options.Sleep that records the waits and returns at once.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// env is a Directory over a test server.
type env struct {
	dir   *graphdir.Directory
	srv   *graphtest.Server
	sleep *sleeper
	cred  *fakeCredential
}

func newEnv(t testing.TB, srvOpts *graphtest.Options, dirOpts *graphdir.Options) env {
	t.Helper()
	srv := graphtest.NewServer(srvOpts)
	t.Cleanup(srv.Close)
	sl := &sleeper{}
	var o graphdir.Options
	if dirOpts != nil {
		o = *dirOpts
	}
	o.BaseURL = srv.URL
	if o.Sleep == nil {
		o.Sleep = sl.Sleep
	}
	cred := &fakeCredential{}
	dir, err := graphdir.New(cred, &o)
	if err != nil {
		t.Fatalf("graphdir.New: %v", err)
	}
	return env{dir: dir, srv: srv, sleep: sl, cred: cred}
}

// roundTrips counts the HTTP requests the server received.
func (e env) roundTrips() int { return len(e.srv.Requests()) }

var graphtestOptionsPageSize2 = graphtest.Options{PageSize: 2}

// serve starts an httptest server for h and returns its URL.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}

// classOf returns the directory sentinel err matches, or nil.
func classOf(err error) error {
	for _, s := range []error{directory.ErrNotFound, directory.ErrExists, directory.ErrPermission, directory.ErrThrottled, directory.ErrUnavailable, directory.ErrInvalid} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}
