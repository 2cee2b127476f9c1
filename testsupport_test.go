package consent_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
)

// testToken is the bearer token the fake credential hands out; tests check
// it never leaks.
const testToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.test-bearer-token-do-not-leak"

type fakeCredential struct{}

func (fakeCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: testToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// clock is a simulated clock: Sleep advances it at once, so waits of
// seconds (Retry-After, replication lag) cost no real time.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	return nil
}

// graphEnv is a graphdir.Directory over a graphtest.Server, both on one
// simulated clock.
type graphEnv struct {
	srv   *graphtest.Server
	fake  *directorytest.Fake
	dir   *graphdir.Directory
	clock *clock

	transport http.RoundTripper
	logger    *slog.Logger
}

func newGraphEnv(tb testing.TB, srvOpts *graphtest.Options, transport func(http.RoundTripper) http.RoundTripper) *graphEnv {
	return newGraphEnvLogged(tb, srvOpts, transport, nil)
}

func newGraphEnvLogged(tb testing.TB, srvOpts *graphtest.Options, transport func(http.RoundTripper) http.RoundTripper, logger *slog.Logger) *graphEnv {
	tb.Helper()
	c := newClock()
	if srvOpts == nil {
		srvOpts = &graphtest.Options{}
	}
	if srvOpts.Fake == nil {
		srvOpts.Fake = directorytest.New(&directorytest.Options{Now: c.Now})
		seedPolicies(tb, srvOpts.Fake)
	}
	srv := graphtest.NewServer(srvOpts)
	tb.Cleanup(srv.Close)
	var rt http.RoundTripper = srv.Client().Transport
	if transport != nil {
		rt = transport(rt)
	}
	dir, err := graphdir.New(fakeCredential{}, &graphdir.Options{
		BaseURL:    srv.URL,
		HTTPClient: &http.Client{Transport: rt},
		Sleep:      c.Sleep,
		Logger:     logger,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return &graphEnv{srv: srv, fake: srvOpts.Fake, dir: dir, clock: c, transport: rt, logger: logger}
}

// freshDirectory returns a new graphdir.Directory over the same server, as
// a new process would have: it has seen no account.
func (e *graphEnv) freshDirectory(tb testing.TB) *graphdir.Directory {
	tb.Helper()
	dir, err := graphdir.New(fakeCredential{}, &graphdir.Options{
		BaseURL:    e.srv.URL,
		HTTPClient: &http.Client{Transport: e.transport},
		Sleep:      e.clock.Sleep,
		Logger:     e.logger,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// newProvisioner returns a Provisioner on dir that sleeps and reads the
// time on the simulated clock c.
func newProvisioner(dir directory.Directory, c *clock) *serviceaccount.Provisioner {
	return serviceaccount.New(dir, &serviceaccount.Options{Sleep: c.Sleep, Now: c.Now})
}

// ownerSignsIn acts out the owner's first steps on the fake: the first
// sign-in (changing the temporary password) and the registration of each
// method, named after its type.
func ownerSignsIn(t *testing.T, f *directorytest.Fake, userID string, methods ...directory.MethodType) {
	t.Helper()
	ctx := context.Background()
	if err := f.SignIn(ctx, userID, "Owner-Changed-It-1!"); err != nil {
		t.Fatal(err)
	}
	for _, m := range methods {
		if _, err := f.RegisterMethod(ctx, userID, m, string(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
func isErr(err, target error) bool               { return errors.Is(err, target) }

// seedPolicies gives a test tenant the Conditional Access policy CISA SCuBA
// MS.AAD.3.6v1 asks for (phishing-resistant MFA for the highly privileged
// roles, which the test specs' Exchange and SharePoint Administrator are):
// with a FIDO2 key registered, a provisioned account then passes every
// check.
func seedPolicies(tb testing.TB, f *directorytest.Fake) {
	tb.Helper()
	if _, err := f.AddConditionalAccessPolicy(directorytest.PhishingResistantAdminsPolicy("0c6a3f1e-0000-4000-8000-00000000ca01")); err != nil {
		tb.Fatal(err)
	}
}

// sightings collects every rendering of the values a test saw (events,
// results, reports, errors), to look for secrets in them afterwards.
type sightings struct{ seen []string }

// record adds each value's fmt renderings and JSON, and for an error those
// of every error it wraps.
func (s *sightings) record(vs ...any) {
	for _, v := range vs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			s.seen = append(s.seen, fmt.Sprintf(verb, v))
		}
		if b, err := json.Marshal(v); err == nil {
			s.seen = append(s.seen, string(b))
		}
		if err, ok := v.(error); ok {
			for ; err != nil; err = errors.Unwrap(err) {
				s.seen = append(s.seen, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			}
		}
	}
}

// noLeak fails t if a secret appears in the captured log lines or in
// anything recorded; an empty secret, no log line or nothing recorded
// fails it too, since the check would then prove nothing.
func (s *sightings) noLeak(t *testing.T, logs string, secrets ...string) {
	t.Helper()
	if logs == "" || len(s.seen) == 0 {
		t.Fatal("nothing logged or recorded")
	}
	all := logs + "\n" + strings.Join(s.seen, "\n")
	for i, secret := range secrets {
		if secret == "" {
			t.Fatalf("secret %d is empty: the check would prove nothing", i)
		}
		if j := strings.Index(all, secret); j >= 0 {
			t.Errorf("secret %d (%.4s...) leaked: ...%s...", i, secret, all[max(0, j-120):min(len(all), j+40)])
		}
	}
}
