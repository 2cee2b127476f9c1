package graphdir

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// A group whose isAssignableToRole the answer leaves out (a credential
// that gets "limited information" about groups) may hold roles: its roles
// are read, not assumed absent.
func TestGroupCandidates(t *testing.T) {
	body := []byte(`{"value":[
		{"@odata.type":"#microsoft.graph.group","id":"g1","displayName":"Tier0 admins","isAssignableToRole":true},
		{"@odata.type":"#microsoft.graph.group","id":"g2","displayName":"All staff","isAssignableToRole":false},
		{"@odata.type":"#microsoft.graph.group","id":"g3"}]}`)
	r := listGroups("u1")
	items, _, err := groupCandidates.readPage(r, &answer{status: 200, body: body})
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.Group{{ID: "g1", DisplayName: "Tier0 admins", IsAssignableToRole: true}, {ID: "g3"}}
	if diff := cmp.Diff(want, kept(items)); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}

// The memberships shared by MemberOf and the role paths (uncast, so
// directory roles and administrative units come too) give MemberOf every
// group as its own read does (id and display name), and the role paths
// the groups TestGroupCandidates keeps, a group with limited information
// (no isAssignableToRole) among them.
func TestSharedMemberships(t *testing.T) {
	body := []byte(`{"value":[
		{"@odata.type":"#microsoft.graph.group","id":"g1","displayName":"Tier0 admins","isAssignableToRole":true},
		{"@odata.type":"#microsoft.graph.directoryRole","id":"r1","displayName":"Global Reader"},
		{"@odata.type":"#microsoft.graph.group","id":"g2","displayName":"All staff","isAssignableToRole":false},
		{"@odata.type":"#microsoft.graph.administrativeUnit","id":"a1","displayName":"Sydney"},
		{"@odata.type":"#microsoft.graph.group","id":"g3"}]}`)
	a := &answer{status: 200, body: body}
	own, _, err := memberOf.readPage(listTransitiveMemberOf("u1"), a)
	if err != nil {
		t.Fatal(err)
	}
	wantMember, _ := groupsOnly(own, nil)
	ms, _, err := userMemberships.readPage(listMemberships("u1"), a)
	member, candidates, err := splitMemberships(ms, err)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantMember, member); diff != "" {
		t.Errorf("MemberOf (-own read +shared):\n%s", diff)
	}
	want := []directory.Group{{ID: "g1", DisplayName: "Tier0 admins", IsAssignableToRole: true}, {ID: "g3"}}
	if diff := cmp.Diff(want, kept(candidates)); diff != "" {
		t.Errorf("role-path candidates (-want +got):\n%s", diff)
	}
	if _, _, err := splitMemberships(nil, errors.ErrUnsupported); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("splitMemberships kept no error: %v", err)
	}
}

// kept are the groups a candidate list keeps (its non-nil entries).
func kept(gs []*directory.Group) []directory.Group {
	var out []directory.Group
	for _, g := range gs {
		if g != nil {
			out = append(out, *g)
		}
	}
	return out
}

// The refusals no permission lifts: a licence the tenant lacks (whatever
// the status: Microsoft does not document it) and a Conditional Access
// claims challenge.
func TestTenantRequirement(t *testing.T) {
	claims := http.Header{"Www-Authenticate": {`Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="`}}
	for _, tc := range []struct {
		name   string
		status int
		header http.Header
		body   string
		class  error
		want   directory.Requirement
	}{
		{"P2 missing, 400", 400, nil, `{"error":{"code":"AadPremiumLicenseRequired","message":"The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license."}}`,
			directory.ErrNotLicensed, directory.Requirement{Licenses: []string{"Microsoft Entra ID P2", "Microsoft Entra ID Governance"}}},
		{"P2 missing, 403", 403, nil, `{"error":{"code":"AadPremiumLicenseRequired","message":"x"}}`,
			directory.ErrNotLicensed, directory.Requirement{Licenses: []string{"Microsoft Entra ID P2", "Microsoft Entra ID Governance"}}},
		{"P1 missing", 403, nil, `{"error":{"code":"Authentication_RequestFromNonPremiumTenantOrB2CTenant","message":"Neither tenant is B2C or tenant doesn't have premium license"}}`,
			directory.ErrNotLicensed, directory.Requirement{Licenses: []string{"Microsoft Entra ID P1"}}},
		{"claims challenge", 401, claims, `{"error":{"code":"InvalidAuthenticationToken","message":"Continuous access evaluation resulted in challenge"}}`,
			directory.ErrPermission, directory.Requirement{Claims: true}},
		{"other 400", 400, nil, `{"error":{"code":"Request_BadRequest","message":"x"}}`, directory.ErrInvalid, directory.Requirement{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseError(opListEligibilities, `"u1"`, tc.status, tc.header, []byte(tc.body), nil)
			e.need = endpointListEligibilities
			if !errors.Is(e, tc.class) || classify(e) != tc.class {
				t.Errorf("class = %v, want %v", classify(e), tc.class)
			}
			if diff := cmp.Diff(tc.want, e.Requirement()); diff != "" {
				t.Errorf("Requirement (-want +got):\n%s", diff)
			}
		})
	}
	// A plain 403 names the permissions, least privileged first.
	e := parseError(opListEligibilities, `"u1"`, 403, nil, []byte(`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`), nil)
	e.need = endpointListEligibilities
	if req := e.Requirement(); !slices.Equal(req.Permissions, []string{"RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory"}) {
		t.Errorf("Requirement = %+v", req)
	}
}
