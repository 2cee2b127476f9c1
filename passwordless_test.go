package consent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// writes returns the writes among the requests the server received, in
// order ("POST /users", "POST /users/{id}/authentication/temporaryAccessPassMethods",
// "POST /roleManagement/directory/roleAssignments" inside a $batch...); a
// $batch of reads is no write.
func writes(reqs []graphtest.Request) []graphtest.Endpoint {
	var out []graphtest.Endpoint
	for _, r := range reqs {
		if r.Endpoint == graphtest.Batch {
			for _, it := range r.Batch {
				if it.Method != http.MethodGet {
					out = append(out, it.Endpoint)
				}
			}
			continue
		}
		if r.Method != http.MethodGet {
			out = append(out, r.Endpoint)
		}
	}
	return out
}

// Passwordless onboarding over the Graph backend: the pass is issued after
// the account and before the role assignments (from the server's request
// log), a lost answer to its create leaves one pass (the one returned),
// the passcode and the random password appear in no log line, event, error
// or rendering, Verify follows the owner's registration, a re-run costs one
// read, and Deprovision removes the account with its pass.
func TestPasswordlessThroughGraph(t *testing.T) {
	// Microsoft's create page says a new pass replaces the current one;
	// the other reading (a conflict) must work too.
	for _, conflicts := range []bool{false, true} {
		t.Run(fmt.Sprintf("conflicts=%v", conflicts), func(t *testing.T) { testPasswordlessThroughGraph(t, conflicts) })
	}
}

func testPasswordlessThroughGraph(t *testing.T, conflicts bool) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := newGraphEnvLogged(t, &graphtest.Options{AccessPassConflicts: conflicts}, nil, logger)
	var seen sightings
	record := seen.record
	p := serviceaccount.New(env.dir, &serviceaccount.Options{
		Logger: logger, Sleep: env.clock.Sleep, Now: env.clock.Now,
		OnEvent: func(e serviceaccount.Event) { record(e) },
	})
	ctx := context.Background()
	spec := passwordlessSpec(1)
	plan, err := p.Plan(ctx, spec)
	record(plan, err)
	env.srv.Reset()
	env.srv.DropConnection(graphtest.After, graphtest.CreateAccessPass)
	res, err := p.Provision(ctx, spec)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	record(res, res.TemporaryAccessPass, res.Changes)

	want := []graphtest.Endpoint{graphtest.CreateUser, graphtest.CreateAccessPass, graphtest.DeleteAccessPass, graphtest.CreateAccessPass,
		graphtest.CreateRoleAssignment, graphtest.CreateRoleAssignment, graphtest.CreateRoleAssignment}
	if got := writes(env.srv.Requests()); !slices.Equal(want, got) {
		t.Errorf("writes = %v, want %v (the pass before any role; the pass whose answer was lost deleted)", got, want)
	}
	var created struct {
		PasswordProfile struct{ Password string } `json:"passwordProfile"`
	}
	for _, r := range env.srv.Requests() {
		if r.Endpoint == graphtest.CreateUser {
			_ = json.Unmarshal(r.Body, &created)
		}
	}
	ps, err := env.fake.AccessPasses(ctx, res.Account.ID)
	if err != nil || len(ps) != 1 || ps[0].ID != res.TemporaryAccessPass.ID {
		t.Fatalf("the account holds passes %+v (%v): want only the one returned", ps, err)
	}

	// The owner signs in with the pass and registers a passkey.
	env.clock.Sleep(ctx, time.Minute)
	if err := env.fake.SignInWithAccessPass(ctx, res.Account.ID, res.TemporaryAccessPass.Reveal()); err != nil {
		t.Fatalf("the returned pass does not sign in: %v", err)
	}
	if _, err := env.fake.RegisterMethod(ctx, res.Account.ID, directory.MethodFido2, "passkey"); err != nil {
		t.Fatal(err)
	}
	rep, err := verify.New(env.dir, &verify.Options{Logger: logger}).Verify(ctx, res.Account)
	if err != nil {
		t.Fatal(err)
	}
	record(rep, rep.String())
	if c, ok := rep.Check(verify.CheckCredentialRegistered); !rep.Passed() || !ok || c.Status != verify.StatusPass {
		t.Errorf("Verify after registration:\n%s", rep)
	}

	// A re-run: one round trip, no write, no new pass.
	env.srv.Reset()
	again, err := p.Provision(ctx, spec)
	record(again, err)
	if err != nil || len(env.srv.Requests()) != 1 || !again.TemporaryAccessPass.IsZero() {
		t.Errorf("re-run: %v, %d round trips, new pass %v: want 1 round trip, none", err, len(env.srv.Requests()), !again.TemporaryAccessPass.IsZero())
	}
	if err := p.Deprovision(ctx, res.Account); err != nil {
		t.Fatal(err)
	}
	if _, err := env.fake.AccessPasses(ctx, res.Account.ID); !errors.Is(err, directory.ErrNotFound) || len(env.fake.Users()) != 0 {
		t.Errorf("after Deprovision: AccessPasses %v, users %v", err, env.fake.Users())
	}

	// Secrets: the pass returned and the random password the create sent
	// (the server received it, so the check can fail).
	secrets := []string{res.TemporaryAccessPass.Reveal(), created.PasswordProfile.Password}
	seen.noLeak(t, logs.String(), secrets...)
	if !res.Password.IsZero() {
		t.Error("Result.Password is set")
	}
}

// A pass the policy refuses is refused before any write over Graph too:
// reads only (the snapshot and the policy), counted from the request log.
func TestPasswordlessRefusedThroughGraph(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy func(*directory.AccessPassPolicy)
		pass   serviceaccount.TemporaryAccessPass
		opts   graphtest.Options
	}{
		{"disabled", func(p *directory.AccessPassPolicy) { p.Enabled = false }, serviceaccount.TemporaryAccessPass{}, graphtest.Options{}},
		{"groups only, targets read with $expand", func(p *directory.AccessPassPolicy) {
			p.IncludeTargets = []directory.PolicyTarget{{ID: "0f9b1e2a-0000-4000-8000-00000000a11e", Type: directory.TargetGroup}}
		}, serviceaccount.TemporaryAccessPass{}, graphtest.Options{PolicyTargetsOnlyExpanded: true}},
		{"lifetime out of range", func(*directory.AccessPassPolicy) {}, serviceaccount.TemporaryAccessPass{Lifetime: 24 * time.Hour}, graphtest.Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newGraphEnv(t, &tc.opts, nil)
			pol := directorytest.DefaultAccessPassPolicy()
			tc.policy(&pol)
			if err := env.fake.SetAccessPassPolicy(pol); err != nil {
				t.Fatal(err)
			}
			p := newProvisioner(env.dir, env.clock)
			spec := passwordlessSpec(3)
			spec.TemporaryAccessPass = &tc.pass
			_, err := p.Provision(context.Background(), spec)
			if !errors.Is(err, serviceaccount.ErrAccessPassPolicy) {
				t.Errorf("Provision = %v: want ErrAccessPassPolicy", err)
			}
			if w := writes(env.srv.Requests()); len(w) != 0 {
				t.Errorf("writes %v: want none", w)
			}
			if len(env.fake.Users()) != 0 {
				t.Errorf("users %v", env.fake.Users())
			}
		})
	}
}
