package consent_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
)

// TestConsentChaos provisions with Spec.GrantConsent through the Graph
// backend while transient faults hit the consent steps (throttling, 503s,
// connections lost before or after a create or update was applied,
// replication lag), adds a scope, then deprovisions. Transient faults only,
// so every call must succeed; after each, the directory's state itself must
// hold exactly one grant for the account with exactly the scopes, and
// after Deprovision none (the tenant-wide grant always survives).
func TestConsentChaos(t *testing.T) {
	const runs, seed = 40, 14
	fired := map[string]int{}
	endpoints := []graphtest.Endpoint{graphtest.CreateServicePrincipal, graphtest.CreatePermissionGrant, graphtest.UpdatePermissionGrant, graphtest.DeletePermissionGrant, graphtest.Batch}
	for run := range runs {
		t.Run(fmt.Sprintf("run%02d", run), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(run)))
			ctx := context.Background()
			env := newGraphEnv(t, nil, nil)
			tenantWide := directory.PermissionGrant{}
			if rng.IntN(2) == 0 {
				tenantWide = grant(t, env.fake, directory.ConsentAllPrincipals, "", "User.Read")
			}
			p := newProvisioner(env.dir, env.clock)
			armFaults := func() {
				for range rng.IntN(4) {
					switch rng.IntN(5) {
					case 0:
						env.srv.ThrottleNext(1+rng.IntN(2), fmt.Sprintf("%.3f", rng.Float64()*2))
					case 1:
						env.srv.FailNext(1+rng.IntN(2), http.StatusServiceUnavailable)
					case 2:
						env.srv.DropConnection(graphtest.Before, endpoints[rng.IntN(len(endpoints))])
					case 3:
						env.srv.DropConnection(graphtest.After, endpoints[rng.IntN(len(endpoints))])
					case 4:
						env.srv.SetReplicationLag(time.Duration(rng.IntN(20_000)) * time.Millisecond)
					}
				}
			}
			check := func(step, userID string, scopes ...string) {
				t.Helper()
				gs := accountGrants(env.fake, userID)
				want := strings.Join(scopes, " ")
				if len(scopes) == 0 && len(gs) != 0 || len(scopes) > 0 && (len(gs) != 1 || gs[0].Scope != want) {
					t.Fatalf("%s: the account's grants are %+v, want %q", step, gs, want)
				}
				if tenantWide.ID != "" && !containsGrant(env.fake.AllPermissionGrants(), tenantWide.ID) {
					t.Fatalf("%s: the tenant-wide grant is gone", step)
				}
			}

			armFaults()
			res, err := p.Provision(ctx, consentSpec(1, true))
			if err != nil {
				t.Fatalf("Provision under transient faults: %v", err)
			}
			check("provision", res.Account.ID, demoApp.Scopes...)

			env.srv.ClearFaults()
			armFaults()
			more := consentSpec(1, true, append(append([]string(nil), demoApp.Scopes...), "Team.ReadBasic.All")...)
			if _, err := p.Provision(ctx, more); err != nil {
				t.Fatalf("Provision with an added scope: %v", err)
			}
			check("added scope", res.Account.ID, more.PartnerApp.Scopes...)

			env.srv.ClearFaults()
			armFaults()
			acct := res.Account
			acct.PartnerApp = more.PartnerApp
			if err := p.Deprovision(ctx, acct); err != nil {
				t.Fatalf("Deprovision: %v", err)
			}
			check("deprovision", res.Account.ID)
			for k, n := range env.srv.Fired() {
				fired[k] += n
			}
		})
	}
	t.Logf("faults that took effect: %v", fired)
	for _, k := range []string{"connection dropped after POST /oauth2PermissionGrants", "connection dropped after PATCH /oauth2PermissionGrants/{id}", "503"} {
		if fired[k] == 0 {
			t.Errorf("no run met %q: the seed no longer exercises it", k)
		}
	}
}
