package graphdir_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

// TestSignInPoliciesDecode reads, over graphtest, Conditional Access
// policies as Graph writes them: testdata/conditional-access-policy.json
// follows the example of "Get conditionalAccessPolicy"
// (https://learn.microsoft.com/graph/api/conditionalaccesspolicy-get), with
// every condition set; a policy naming its authentication strength by id
// only and one giving it in full (Graph's list answers it in full, with an
// @odata.context, per the documentation of grantControls; both are
// accepted); and a custom strength with a mode the SDK's enum does not
// know, which must be kept (the SDK's parser would drop it). Two items a
// page, so the lists page.
func TestSignInPoliciesDecode(t *testing.T) {
	documented, err := os.ReadFile("testdata/conditional-access-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	f := directorytest.New(nil)
	f.SetSecurityDefaults(false)
	byID := directorytest.PhishingResistantAdminsPolicy("0c6a3f1e-0000-4000-8000-00000000ca01")
	inFull := []byte(`{"id":"0c6a3f1e-0000-4000-8000-00000000ca02","displayName":"Strong for all","state":"enabledForReportingButNotEnforced",
"conditions":{"users":{"includeUsers":["All"]},"applications":{"includeApplications":["All"]},"clientAppTypes":["all"]},
"grantControls":{"operator":"OR","builtInControls":[],"authenticationStrength@odata.context":"https://graph.microsoft.com/v1.0/$metadata#x","authenticationStrength":{"id":"5a1c3e2f-0000-4000-8000-00000000a5a5","displayName":"Keys and QR","policyType":"custom","requirementsSatisfied":"mfa","allowedCombinations":["fido2","qrCodePin"]}}}`)
	custom := []byte(`{"id":"5a1c3e2f-0000-4000-8000-00000000a5a5","displayName":"Keys and QR","policyType":"custom","requirementsSatisfied":"mfa","allowedCombinations":["fido2","qrCodePin"],"combinationConfigurations":[]}`)
	for _, d := range [][]byte{documented, byID, inFull} {
		if _, err := f.AddConditionalAccessPolicy(d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.AddAuthenticationStrength(custom); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, &graphtest.Options{Fake: f, PageSize: 2}, nil)
	got, err := directory.ReadSignInPolicies(context.Background(), e.dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := f.SignInPolicies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("graphdir and the Fake decode differently (-fake +graphdir):\n%s", diff)
	}
	if got.SecurityDefaultsErr != nil || got.SecurityDefaults.IsEnabled || got.SecurityDefaults.ID == "" {
		t.Errorf("security defaults = %+v, %v: want read and disabled", got.SecurityDefaults, got.SecurityDefaultsErr)
	}
	if len(got.ConditionalAccess) != 3 || len(got.AuthenticationStrengths) != 4 {
		t.Fatalf("%d policies, %d strengths: want 3 and 4 (two pages each)", len(got.ConditionalAccess), len(got.AuthenticationStrengths))
	}
	doc := got.ConditionalAccess[0]
	wantOther := []string{
		`locations: {"includeLocations":["AllTrusted"],"excludeLocations":["00000000-0000-0000-0000-000000000000","d2136c9c-b049-47ae-b9cf-316e04ef7198"]}`,
		`platforms: {"includePlatforms":["all"],"excludePlatforms":["iOS","windowsPhone"]}`,
		`signInRiskLevels: ["high","medium"]`,
	}
	if diff := cmp.Diff(wantOther, doc.Conditions.Other); diff != "" {
		t.Errorf("documented policy's other conditions (-want +got):\n%s", diff)
	}
	if doc.State != directory.PolicyDisabled || doc.GrantControls == nil || doc.GrantControls.AuthenticationStrength != nil ||
		len(doc.Conditions.Users.IncludeRoles) != 3 || len(doc.Conditions.Applications.ExcludeApplications) != 7 {
		t.Errorf("documented policy decoded as %+v", doc)
	}
	if s := got.ConditionalAccess[1].GrantControls.AuthenticationStrength; s == nil || s.ID != directory.StrengthPhishingResistant || len(s.AllowedCombinations) != 0 {
		t.Errorf("strength by id = %+v", s)
	}
	if s := got.ConditionalAccess[2].GrantControls.AuthenticationStrength; s == nil || !cmp.Equal(s.AllowedCombinations, []string{"fido2", "qrCodePin"}) {
		t.Errorf("strength in full = %+v: the unknown mode must be kept", s)
	}
	if s := got.AuthenticationStrengths[3]; !cmp.Equal(s.AllowedCombinations, []string{"fido2", "qrCodePin"}) {
		t.Errorf("custom strength = %+v: the unknown mode must be kept", s)
	}
	// The documents are served verbatim.
	docs, err := f.ConditionalAccessDocuments(context.Background())
	if err != nil || !json.Valid(docs[0]) || string(docs[0]) != string(documented) {
		t.Errorf("the documented policy is not kept verbatim (%v)", err)
	}
}
