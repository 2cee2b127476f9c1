package serviceaccount_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// Adding roles to an existing account that someone has signed in to is
// where a forged marker would pay off: Provision says so.
func TestProvisionWarnsWhenGrantingRolesToASignedInAccount(t *testing.T) {
	const marker = "not proof of origin"
	fake, p, first := provisioned(t, validSpec())
	more := validSpec()
	more.Workloads = append(more.Workloads, roles.SharePoint)

	// Not signed in yet: the account is as this SDK left it.
	plan, err := p.Plan(context.Background(), more)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range plan.Warnings {
		if strings.Contains(w, marker) {
			t.Errorf("warning before any sign-in: %q", w)
		}
	}

	if err := fake.SignIn(context.Background(), first.Account.ID, "Someone-Else-Knows-1!"); err != nil {
		t.Fatal(err)
	}
	res, err := p.Provision(context.Background(), more)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w, marker) && strings.Contains(w, first.Account.ID)
	}
	if !found {
		t.Errorf("no warning naming the account's object ID when granting roles to a signed-in account; warnings: %q", res.Warnings)
	}

	// Nothing to grant: nothing to warn about.
	res, err = p.Provision(context.Background(), more)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		if strings.Contains(w, marker) {
			t.Errorf("warning on a converged re-run: %q", w)
		}
	}
}

// A passwordless account's password never changes (nobody knows it): that
// someone has used it shows as a strong method registered with the pass,
// and granting roles to it warns the same way.
func TestProvisionWarnsWhenGrantingRolesToAUsedPasswordlessAccount(t *testing.T) {
	const marker = "not proof of origin"
	spec := validSpec()
	spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{UsableOnce: true}
	fake, p, first := provisioned(t, spec)
	more := spec
	more.Workloads = append(slices.Clone(spec.Workloads), roles.SharePoint)

	plan, err := p.Plan(context.Background(), more)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range plan.Warnings {
		if strings.Contains(w, marker) {
			t.Errorf("warning before the owner registered anything: %q", w)
		}
	}

	if _, err := fake.RegisterMethod(context.Background(), first.Account.ID, directory.MethodFido2, "security key"); err != nil {
		t.Fatal(err)
	}
	plan, err = p.Plan(context.Background(), more)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range plan.Warnings {
		found = found || strings.Contains(w, marker) && strings.Contains(w, first.Account.ID) && strings.Contains(w, "fido2")
	}
	if !found {
		t.Errorf("no warning naming the account's object ID and its strong method; warnings: %q", plan.Warnings)
	}
}
