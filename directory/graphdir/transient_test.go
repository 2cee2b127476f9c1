package graphdir_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

// Every failure the Graph backend could not overcome itself is classified
// transient or permanent (directory.IsTemporary), and a throttled one says
// how long to wait (directory.RetryDelay), also when it reaches the caller
// as a $batch item answered 424 because of it. The answers follow
// https://learn.microsoft.com/en-us/graph/throttling (429 with Retry-After)
// and https://learn.microsoft.com/en-us/graph/json-batching (424 Failed
// Dependency for an item whose dependsOn failed).
func TestFailuresAreClassifiedTransientOrPermanent(t *testing.T) {
	noRetries := &graphdir.Options{MaxRetries: -1}
	assign := func(e env, u directory.User) error {
		res := e.dir.CreateRoleAssignments(context.Background(), []directory.RoleAssignment{{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}})
		return res[0].Err
	}
	for _, tc := range []struct {
		name      string
		opts      *graphdir.Options
		srvOpts   *graphtest.Options
		arm       func(e env)
		call      func(e env, u directory.User) error
		temporary bool
		delay     time.Duration
	}{
		{name: "429 beyond MaxRetryWait", opts: &graphdir.Options{MaxRetryWait: 10 * time.Second},
			arm: func(e env) { e.srv.ThrottleNext(1, "30") }, temporary: true, delay: 30 * time.Second},
		{name: "503", opts: noRetries, arm: func(e env) { e.srv.FailNext(1, http.StatusServiceUnavailable) }, temporary: true},
		{name: "504", opts: noRetries, arm: func(e env) { e.srv.FailNext(1, http.StatusGatewayTimeout) }, temporary: true},
		{name: "connection reset after POST /users applied", arm: func(e env) { e.srv.DropConnection(graphtest.After, graphtest.CreateUser) },
			call: func(e env, _ directory.User) error {
				_, err := e.dir.CreateUser(context.Background(), newUser("other@contoso.onmicrosoft.com"))
				return err
			}, temporary: true},
		{name: "connection reset before a $batch of writes", arm: func(e env) { e.srv.DropConnection(graphtest.Before, graphtest.Batch) },
			call: assign, temporary: true},
		{name: "batch item 429", opts: noRetries, arm: func(e env) { e.srv.ThrottleBatchItems(1, "2.5") },
			call: assign, temporary: true, delay: 2500 * time.Millisecond},
		{name: "batch item 429 in a batch answered 424", opts: noRetries, srvOpts: &graphtest.Options{ThrottledBatchStatus: http.StatusFailedDependency},
			arm: func(e env) { e.srv.ThrottleBatchItems(1, "1.5") }, call: assign, temporary: true, delay: 1500 * time.Millisecond},
		{name: "batch answered 424 as a whole", opts: noRetries, arm: func(e env) { e.srv.FailBatch(1, http.StatusFailedDependency) },
			call: assign, temporary: true},
		{name: "no answer within the attempt timeout", opts: &graphdir.Options{MaxRetries: -1,
			HTTPClient: &http.Client{Timeout: 5 * time.Millisecond, Transport: hangingTransport{}}}, temporary: true},
		{name: "403", arm: func(e env) { e.srv.DenyPermission(graphtest.ListAuthenticationMethods) },
			call: func(e env, u directory.User) error {
				_, err := e.dir.AuthenticationMethods(context.Background(), u.ID)
				return err
			}},
		{name: "404", call: func(e env, _ directory.User) error {
			_, err := e.dir.User(context.Background(), "nobody@contoso.onmicrosoft.com")
			return err
		}},
		{name: "duplicate role assignment", call: func(e env, u directory.User) error {
			if err := assign(e, u); err != nil {
				return err
			}
			return assign(e, u)
		}},
		{name: "context canceled", call: func(e env, u directory.User) error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := e.dir.User(ctx, u.ID)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.srvOpts, tc.opts)
			u := seed(t, e, "svc@contoso.onmicrosoft.com")
			if tc.arm != nil {
				tc.arm(e)
			}
			call := tc.call
			if call == nil {
				call = func(e env, _ directory.User) error {
					_, err := e.dir.Domains(context.Background())
					return err
				}
			}
			err := call(e, u)
			if err == nil {
				t.Fatal("no error")
			}
			if got := directory.IsTemporary(err); got != tc.temporary {
				t.Errorf("IsTemporary(%v) = %v, want %v", err, got, tc.temporary)
			}
			if got := directory.RetryDelay(err); got != tc.delay {
				t.Errorf("RetryDelay(%v) = %v, want %v", err, got, tc.delay)
			}
			var ge *graphdir.Error
			if !errors.As(err, &ge) {
				t.Errorf("error %T is not a *graphdir.Error", err)
			}
		})
	}
}

// hangingTransport never answers: a request ends when its context does.
type hangingTransport struct{}

func (hangingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}
