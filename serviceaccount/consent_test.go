package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
)

// lostGrantDir loses the answer to its first CreatePermissionGrant after
// the fake applied it (a connection reset on the way back).
type lostGrantDir struct {
	*directorytest.Fake
	lost bool
}

func (d *lostGrantDir) CreatePermissionGrant(ctx context.Context, g directory.PermissionGrant) (directory.PermissionGrant, error) {
	got, err := d.Fake.CreatePermissionGrant(ctx, g)
	if err == nil && !d.lost {
		d.lost = true
		return directory.PermissionGrant{}, fmt.Errorf("create grant: connection reset after it was applied: %w", directory.ErrUnavailable)
	}
	return got, err
}

func consentTestSpec() serviceaccount.Spec {
	s := validSpec()
	s.PartnerApp = &serviceaccount.PartnerApp{ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f", Scopes: []string{"User.Read.All"}}
	s.GrantConsent = true
	return s
}

// A grant whose create answer was lost after it was applied is found by
// reading the grants again, and Result.Changes still reports it (the
// account holds it because of this call).
func TestGrantConsentLostAnswerIsReported(t *testing.T) {
	fake, clk := newFake(t)
	dir := &lostGrantDir{Fake: fake}
	res, err := newProvisioner(dir, clk, nil).Provision(context.Background(), consentTestSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !dir.lost {
		t.Fatal("no grant answer was lost: the test checks nothing")
	}
	gs := fake.AllPermissionGrants()
	if len(gs) != 1 || res.Consent == nil || res.Consent.GrantID != gs[0].ID {
		t.Fatalf("grants %+v, Result.Consent %+v: want exactly one grant, reported", gs, res.Consent)
	}
	var reported []serviceaccount.Change
	for _, c := range res.Changes {
		if c.Action == serviceaccount.ActionGrantConsent {
			reported = append(reported, c)
		}
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Detail, gs[0].ID) {
		t.Errorf("grant-consent changes %+v: want one naming grant %s", reported, gs[0].ID)
	}
}

// A rollback retries a transient failure to delete the new account's
// grant, then deletes the account: nothing is left.
func TestRollbackRetriesGrantDelete(t *testing.T) {
	fake, clk := newFake(t)
	deny := failOps(directory.ErrPermission, assignOps...)
	once := failTimes(1, directory.ErrUnavailable, directorytest.OpDeletePermissionGrant)
	fake.SetFault(func(op directorytest.Op, object string) error {
		if err := deny(op, object); err != nil {
			return err
		}
		return once(op, object)
	})
	_, err := newProvisioner(fake, clk, nil).Provision(context.Background(), consentTestSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Fatalf("Provision = %v: want rolled back", err)
	}
	if gs, us := fake.AllPermissionGrants(), fake.Users(); len(gs) != 0 || len(us) != 0 {
		t.Errorf("after the rollback: grants %+v, users %+v: want none", gs, us)
	}
	deletes := 0
	for _, c := range fake.Calls() {
		if c.Op == directorytest.OpDeletePermissionGrant {
			deletes++
		}
	}
	if deletes != 2 {
		t.Errorf("%d grant deletes, want 2 (the failed one and its retry)", deletes)
	}
}
