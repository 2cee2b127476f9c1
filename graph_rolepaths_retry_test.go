package consent_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// Over the Graph backend with its own retries turned off, a 503 on the
// eligibility read inside Plan's $batch is retried by the Provisioner,
// like every other read (a transient fault never fails a Provision nor
// leaves a warning): the second read answers and the Plan has no warning
// about roles it could not read. Graph's 503 body:
// https://learn.microsoft.com/graph/errors.
func TestPlanOverGraphRetriesEligibility503(t *testing.T) {
	ctx := context.Background()
	env := newGraphEnv(t, nil, nil)
	spec := serviceaccount.Spec{
		UserPrincipalName: "svc-retry@contoso.onmicrosoft.com", DisplayName: "Retry", UsageLocation: "AU",
		Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
	}
	if _, err := newProvisioner(env.dir, env.clock).Provision(ctx, spec); err != nil {
		t.Fatal(err)
	}
	dir, err := graphdir.New(fakeCredential{}, &graphdir.Options{BaseURL: env.srv.URL, HTTPClient: &http.Client{Transport: env.transport}, Sleep: env.clock.Sleep, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	env.srv.Reset()
	env.srv.FailEndpoint(graphtest.ListRoleEligibilitySchedules, 1, http.StatusServiceUnavailable)
	var retries []serviceaccount.Event
	pl, err := serviceaccount.New(dir, &serviceaccount.Options{Sleep: env.clock.Sleep, Now: env.clock.Now, OnEvent: func(e serviceaccount.Event) {
		if e.Kind == serviceaccount.EventRetry {
			retries = append(retries, e)
		}
	}}).Plan(ctx, spec)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	for _, w := range pl.Warnings {
		if strings.HasPrefix(w, "roles held beyond the spec may be missing") {
			t.Errorf("Plan warns %q: the 503 should have been retried", w)
		}
	}
	if got := env.srv.Fired()["503 "+string(graphtest.ListRoleEligibilitySchedules)]; got != 1 || len(retries) != 1 {
		t.Errorf("503 fired %d times, %d retries: want 1 and 1 (%+v)", got, len(retries), retries)
	}
	eligibilityReads := 0
	for _, r := range env.srv.Requests() {
		for _, it := range r.Batch {
			if it.Endpoint == graphtest.ListRoleEligibilitySchedules {
				eligibilityReads++
			}
		}
	}
	if eligibilityReads != 2 {
		t.Errorf("%d eligibility reads, want 2 (the 503, then the retry)", eligibilityReads)
	}
}
