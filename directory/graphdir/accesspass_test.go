package graphdir_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/directorytest/conformance"
	"github.com/google/go-cmp/cmp"
)

// The conformance suite again against a server that answers the Temporary
// Access Pass policy's includeTargets only to $expand=includeTargets.
func TestConformancePolicyTargetsOnlyExpanded(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return newEnv(t, &graphtest.Options{PolicyTargetsOnlyExpanded: true}, nil).dir
	})
}

// Microsoft documents includeTargets as a relationship but shows it in the
// policy's answer without $expand: one round trip when the answer has it,
// a second with $expand=includeTargets when it does not.
func TestAccessPassPolicyBothReadings(t *testing.T) {
	want := directorytest.DefaultAccessPassPolicy()
	for _, tc := range []struct {
		name       string
		onlyExpand bool
		queries    []string
	}{
		{"inline", false, []string{""}},
		{"relationship", true, []string{"", "$expand=includeTargets"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, &graphtest.Options{PolicyTargetsOnlyExpanded: tc.onlyExpand}, nil)
			got, err := e.dir.AccessPassPolicy(context.Background())
			if err != nil {
				t.Fatalf("AccessPassPolicy: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("AccessPassPolicy mismatch (-want +got):\n%s", diff)
			}
			var queries []string
			for _, r := range e.srv.Requests() {
				if r.Endpoint != graphtest.GetAccessPassPolicy {
					t.Errorf("request %s %s: not the policy", r.Method, r.Path)
				}
				queries = append(queries, r.RawQuery)
			}
			if diff := cmp.Diff(tc.queries, queries); diff != "" {
				t.Errorf("queries mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// The create sends the documented body and reads the documented answer:
// the passcode only there, the validity everywhere.
func TestCreateAccessPassShapes(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	u, err := e.dir.CreateUser(ctx, directory.NewUser{UserPrincipalName: "svc@" + directorytest.DefaultDomain, DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!")})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Reset()
	start := time.Date(2030, 6, 5, 0, 0, 0, 0, time.UTC)
	p, err := e.dir.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{StartDateTime: start, Lifetime: 2 * time.Hour, UsableOnce: true})
	if err != nil {
		t.Fatalf("CreateAccessPass: %v", err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].Endpoint != graphtest.CreateAccessPass || reqs[0].Path != "/users/"+u.ID+"/authentication/temporaryAccessPassMethods" {
		t.Fatalf("requests = %+v: want one POST to the user's temporaryAccessPassMethods", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"startDateTime": "2030-06-05T00:00:00Z", "lifetimeInMinutes": float64(120), "isUsableOnce": true}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
	if p.Pass.IsZero() || p.Usable || p.Reason != "NotYetValid" || !p.StartDateTime.Equal(start) || p.Lifetime != 2*time.Hour {
		t.Errorf("CreateAccessPass = %+v: want a passcode, not yet valid from %v for 2h", p, start)
	}
	ms, err := e.dir.AuthenticationMethods(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[1].AccessPass == nil || ms[1].AccessPass.Reason != "NotYetValid" || !ms[1].AccessPass.Pass.IsZero() {
		t.Errorf("AuthenticationMethods = %+v: want the password and the pass with its validity, no passcode", ms)
	}
	for _, r := range e.srv.Requests()[1:] {
		if strings.Contains(string(r.Body), p.Pass.Reveal()) {
			t.Errorf("a later request carries the passcode: %s", r.Body)
		}
	}
}

// A policy that refuses the pass is ErrInvalid naming the user; a denied
// create says what it needed.
func TestCreateAccessPassRefused(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	u, err := e.dir.CreateUser(ctx, directory.NewUser{UserPrincipalName: "svc@" + directorytest.DefaultDomain, DisplayName: "svc", MailNickname: "svc",
		AccountEnabled: true, Password: directory.NewPassword("Temp-Passw0rd-123!")})
	if err != nil {
		t.Fatal(err)
	}
	pol := directorytest.DefaultAccessPassPolicy()
	pol.Enabled = false
	if err := e.srv.Directory().SetAccessPassPolicy(pol); err != nil {
		t.Fatal(err)
	}
	_, err = e.dir.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	if !errors.Is(err, directory.ErrInvalid) || !strings.Contains(err.Error(), u.ID) || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("CreateAccessPass with the method disabled = %v: want ErrInvalid naming the user and the reason", err)
	}
	e.srv.DenyPermission(graphtest.CreateAccessPass)
	_, err = e.dir.CreateAccessPass(ctx, u.ID, directory.NewAccessPass{})
	req, ok := directory.RequirementOf(err)
	if !errors.Is(err, directory.ErrPermission) || !ok || req.Permissions[0] != "UserAuthMethod-TAP.ReadWrite.All" || req.Roles[0] != "Authentication Administrator" {
		t.Errorf("denied CreateAccessPass = %v, requirement %+v", err, req)
	}
}
