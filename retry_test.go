package consent_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// TestEachTransientFaultAbsorbed arms one transient fault of each kind the
// chaos suite knows before a Provision and before a Deprovision through the
// Graph backend over the Graph test server: both succeed on the first call,
// and a fault that took effect at the server or the client's transport was
// retried (an EventRetry), waited out or read back.
func TestEachTransientFaultAbsorbed(t *testing.T) {
	for _, k := range allFaults {
		if k.permanent() {
			continue
		}
		for _, op := range []string{"Provision", "Deprovision"} {
			t.Run(fmt.Sprintf("%s/%s", op, k), func(t *testing.T) {
				ct := &chaosTransport{}
				env := newGraphEnv(t, nil, func(rt http.RoundTripper) http.RoundTripper {
					ct.base = rt
					return ct
				})
				events := map[serviceaccount.EventKind]int{}
				p := serviceaccount.New(env.dir, &serviceaccount.Options{Sleep: env.clock.Sleep, Now: env.clock.Now, ReplicationTimeout: time.Minute,
					OnEvent: func(e serviceaccount.Event) { events[e.Kind]++ }})
				spec := chaosSpec(1)
				if k == fDropBeforePass || k == fDropAfterPass { // only a passwordless Provision creates a pass
					spec = passwordlessSpec(1)
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var acct serviceaccount.Account
				if op == "Deprovision" {
					res, err := p.Provision(ctx, spec)
					if err != nil {
						t.Fatal(err)
					}
					acct = res.Account
					clear(events)
				}
				before := env.srv.Fired()
				armKind(k, rand.New(rand.NewPCG(1, 2)), env, ct, cancel)
				var err error
				if op == "Provision" {
					var res serviceaccount.Result
					res, err = p.Provision(ctx, spec)
					if err == nil && (!res.Created || len(heldRoles(env.fake, res.Account.ID)) != 3) {
						t.Errorf("Provision: Created=%v, roles %v; want the account with its 3 roles", res.Created, heldRoles(env.fake, res.Account.ID))
					}
				} else {
					err = p.Deprovision(ctx, acct)
					if err == nil && len(env.fake.Users()) != 0 {
						t.Errorf("Deprovision succeeded but the directory holds %v", env.fake.Users())
					}
				}
				disarm(env, ct)
				if err != nil {
					t.Fatalf("%s under one %q fault: %v (transient: %v)", op, k, err, directory.IsTemporary(err))
				}
				fired := !maps.Equal(before, env.srv.Fired()) || ct.droppedBefore.Load()+ct.droppedAfter.Load() > 0
				t.Logf("fault took effect: %v; events %v", fired, events)
				lostWrite := k == fDropBeforeUser || k == fDropAfterUser || k == fDropBeforeAssign || k == fDropAfterAssign ||
					k == fDropBeforePass || k == fDropAfterPass
				if fired && lostWrite && events[serviceaccount.EventRetry] == 0 {
					t.Errorf("a lost write was absorbed without an EventRetry: %v", events)
				}
			})
		}
	}
}
