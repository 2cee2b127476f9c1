package consent_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// backend is a directory under benchmark, with a way to act out the owner.
type backend struct {
	name string
	new  func(b testing.TB) (directory.Directory, *directorytest.Fake)
}

var benchSpec = serviceaccount.Spec{
	UserPrincipalName: "svc-bench@" + directorytest.DefaultDomain,
	DisplayName:       "Cloud User Hub service account",
	UsageLocation:     "AU",
	Workloads:         []roles.Workload{roles.Teams, roles.Exchange, roles.SharePoint},
	Access:            roles.Admin,
}

func benchBackends() []backend {
	return append([]backend{{
		name: "fake",
		new: func(b testing.TB) (directory.Directory, *directorytest.Fake) {
			f := directorytest.New(nil)
			seedPolicies(b, f)
			return f, f
		},
	}}, graphBackends()...)
}

// BenchmarkVerify measures one Verify of a converged, signed-in account.
func BenchmarkVerify(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			dir, fake := be.new(b)
			res, err := serviceaccount.New(dir, nil).Provision(ctx, benchSpec)
			if err != nil {
				b.Fatal(err)
			}
			if err := fake.SignIn(ctx, res.Account.ID, "Owner-Changed-It-1!"); err != nil {
				b.Fatal(err)
			}
			if _, err := fake.RegisterMethod(ctx, res.Account.ID, directory.MethodFido2, "key"); err != nil {
				b.Fatal(err)
			}
			v := verify.New(dir, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := v.Verify(ctx, res.Account)
				if err != nil || len(rep.Checks) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProvision measures Provision of a new account with three roles
// (and its Deprovision, so every iteration starts from the same state).
func BenchmarkProvision(b *testing.B) {
	for _, be := range benchBackends() {
		b.Run(be.name, func(b *testing.B) {
			ctx := context.Background()
			dir, _ := be.new(b)
			p := serviceaccount.New(dir, nil)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				spec := benchSpec
				spec.UserPrincipalName = fmt.Sprintf("svc-bench-%d@%s", i, directorytest.DefaultDomain)
				res, err := p.Provision(ctx, spec)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := p.Deprovision(ctx, res.Account); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
