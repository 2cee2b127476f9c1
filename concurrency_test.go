package consent_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// TestConcurrentProvisionAndVerify runs 100 provisions of distinct accounts,
// then 100 verifications, concurrently on one Provisioner, one Verifier and
// one backend, against the fake and the Graph backend (run it with -race).
func TestConcurrentProvisionAndVerify(t *testing.T) {
	const n = 100
	for _, be := range benchBackends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			dir, fake := be.new(t)
			p := serviceaccount.New(dir, nil)
			v := verify.New(dir, nil)
			want, _ := roles.ForWorkloads(roles.Admin, roles.Teams, roles.Exchange)
			accts := make([]serviceaccount.Account, n)
			var wg sync.WaitGroup
			errs := make(chan error, 2*n)
			for i := range n {
				wg.Go(func() {
					res, err := p.Provision(ctx, serviceaccount.Spec{
						UserPrincipalName: fmt.Sprintf("svc-par-%03d@%s", i, directorytest.DefaultDomain),
						DisplayName:       "svc", UsageLocation: "AU", Workloads: []roles.Workload{roles.Teams, roles.Exchange}, Access: roles.Admin,
					})
					if err != nil {
						errs <- err
						return
					}
					accts[i] = res.Account
				})
			}
			wg.Wait()
			for i := range n {
				wg.Go(func() {
					if accts[i].ID == "" {
						return
					}
					if err := fake.SignIn(ctx, accts[i].ID, "Owner-Changed-It-1!"); err != nil {
						errs <- err
						return
					}
					if _, err := fake.RegisterMethod(ctx, accts[i].ID, directory.MethodFido2, "key"); err != nil {
						errs <- err
						return
					}
					rep, err := v.Verify(ctx, accts[i])
					switch {
					case err != nil:
						errs <- err
					case !rep.Passed():
						errs <- fmt.Errorf("%s: %v", accts[i], rep.Failed())
					case rep.Account.ID != accts[i].ID:
						errs <- fmt.Errorf("report for %s is about %s", accts[i], rep.Account)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if got := len(fake.Users()); got != n {
				t.Errorf("%d users, want %d", got, n)
			}
			per := map[string]int{}
			for _, a := range fake.AllRoleAssignments() {
				per[a.PrincipalID]++
			}
			for _, a := range accts {
				if per[a.ID] != len(want) {
					t.Errorf("%s holds %d roles, want %d", a, per[a.ID], len(want))
				}
			}
		})
	}
}
