package roles_test

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cloudhub/consent/roles"
	"github.com/google/go-cmp/cmp"
)

var lowerGUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// allWorkloads lists every Workload constant.
var allWorkloads = []roles.Workload{
	roles.Teams, roles.TeamsVoice, roles.Exchange, roles.SharePoint, roles.Intune,
	roles.Windows365, roles.Users, roles.Groups, roles.Licenses, roles.Billing,
	roles.Helpdesk, roles.Support, roles.Reports, roles.Security, roles.Compliance,
	roles.InformationProtection, roles.PowerPlatform, roles.Dynamics365, roles.Fabric,
	roles.Authentication, roles.AI,
}

// readTSV reads an in-repo data file independently of the package's parser.
func readTSV(t *testing.T, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue // header
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

func mustLookup(t *testing.T, name string) roles.Role {
	t.Helper()
	r, ok := roles.Lookup(name)
	if !ok {
		t.Fatalf("Lookup(%q) found nothing", name)
	}
	return r
}

func TestAllMatchesData(t *testing.T) {
	var want []roles.Role
	privileged := 0
	for _, f := range readTSV(t, "entra-roles.tsv") {
		want = append(want, roles.Role{Name: f[0], ID: f[1], Privileged: f[2] == "yes"})
		if f[2] == "yes" {
			privileged++
		}
	}
	slices.SortFunc(want, func(a, b roles.Role) int { return strings.Compare(a.Name, b.Name) })

	got := roles.All()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All() differs from entra-roles.tsv (-want +got):\n%s", diff)
	}
	if len(got) != 136 {
		t.Errorf("len(All()) = %d, want 136", len(got))
	}
	gotPrivileged := 0
	for _, r := range got {
		if r.Privileged {
			gotPrivileged++
		}
	}
	if gotPrivileged != privileged {
		t.Errorf("All() has %d privileged roles, entra-roles.tsv has %d", gotPrivileged, privileged)
	}
}

func TestAllWellFormed(t *testing.T) {
	got := roles.All()
	ids := make(map[string]bool)
	names := make(map[string]bool)
	for _, r := range got {
		if !lowerGUID.MatchString(r.ID) {
			t.Errorf("role %q: ID %q is not a lowercase GUID", r.Name, r.ID)
		}
		if ids[r.ID] {
			t.Errorf("duplicate ID %q", r.ID)
		}
		if key := strings.ToLower(r.Name); names[key] {
			t.Errorf("duplicate name %q", r.Name)
		}
		ids[r.ID] = true
		names[strings.ToLower(r.Name)] = true
	}
	if !slices.IsSortedFunc(got, func(a, b roles.Role) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() is not sorted by Name")
	}
}

// TestKnownTemplateIDs spot-checks template IDs published in Microsoft's
// permissions reference.
func TestKnownTemplateIDs(t *testing.T) {
	for _, want := range []roles.Role{
		{Name: "Global Administrator", ID: "62e90394-69f5-4237-9190-012177145e10", Privileged: true},
		{Name: "Teams Administrator", ID: "69091246-20e8-4a56-aa4d-066075b2a7a8"},
		{Name: "Exchange Administrator", ID: "29232cdf-9323-42fd-ade2-1d097af3e4de"},
		{Name: "SharePoint Administrator", ID: "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"},
		{Name: "Privileged Role Administrator", ID: "e8611ab8-c189-46e8-94e1-60213ab1f814", Privileged: true},
		{Name: "User Administrator", ID: "fe930be7-5e62-47db-91af-98c3a49a38b1", Privileged: true},
		{Name: "Global Reader", ID: "f2ef992c-3afb-46b9-b7cf-a126ee74c451", Privileged: true},
		{Name: "Directory Readers", ID: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"},
	} {
		if diff := cmp.Diff(want, mustLookup(t, want.Name)); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", want.Name, diff)
		}
	}
}

func TestLookup(t *testing.T) {
	global := roles.Role{Name: "Global Administrator", ID: "62e90394-69f5-4237-9190-012177145e10", Privileged: true}
	teams := mustLookup(t, "Teams Administrator")
	for _, tc := range []struct {
		in   string
		want roles.Role
	}{
		{"62e90394-69f5-4237-9190-012177145e10", global},
		{"62E90394-69F5-4237-9190-012177145E10", global},
		{"  62e90394-69f5-4237-9190-012177145e10\n", global},
		{"Global Administrator", global},
		{"global administrator", global},
		{"  GLOBAL   Administrator\t", global},
		{"Company Administrator", global},
		{"company administrator", global},
		{"Teams Service Administrator", teams},
		{"Exchange Service Administrator", mustLookup(t, "Exchange Administrator")},
		{"SharePoint Service Administrator", mustLookup(t, "SharePoint Administrator")},
		{"Intune Service Administrator", mustLookup(t, "Intune Administrator")},
		{"Azure AD Joined Device Local Administrator", mustLookup(t, "Microsoft Entra Joined Device Local Administrator")},
	} {
		got, ok := roles.Lookup(tc.in)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", tc.in)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Lookup(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, in := range []string{
		"",
		" ",
		"Teams Admin",
		"Global Administrators",
		"62e90394-69f5-4237-9190-012177145e11",
		"{62e90394-69f5-4237-9190-012177145e10}",
	} {
		if r, ok := roles.Lookup(in); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", in, r)
		}
	}
}

func TestResultsAreCopies(t *testing.T) {
	t.Run("All", func(t *testing.T) {
		want := roles.All()
		got := roles.All()
		got[0].Name = "changed"
		got[1] = roles.Role{}
		if diff := cmp.Diff(want, roles.All()); diff != "" {
			t.Errorf("All() changed after modifying an earlier result (-want +got):\n%s", diff)
		}
	})
	t.Run("Workloads", func(t *testing.T) {
		want := roles.Workloads()
		got := roles.Workloads()
		got[0].DisplayName = "changed"
		got[0].Admin[0].Name = "changed"
		got[0].ReadOnly[0].ID = "changed"
		got[1].Admin = append(got[1].Admin[:0], roles.Role{Name: "extra"})
		if diff := cmp.Diff(want, roles.Workloads()); diff != "" {
			t.Errorf("Workloads() changed after modifying an earlier result (-want +got):\n%s", diff)
		}
	})
	t.Run("ForWorkloads", func(t *testing.T) {
		want, err := roles.ForWorkloads(roles.Admin, roles.Teams)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := roles.ForWorkloads(roles.Admin, roles.Teams)
		got[0].Privileged = !got[0].Privileged
		again, _ := roles.ForWorkloads(roles.Admin, roles.Teams)
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("ForWorkloads changed after modifying an earlier result (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[0], mustLookup(t, want[0].ID)); diff != "" {
			t.Errorf("Lookup changed after modifying a ForWorkloads result (-want +got):\n%s", diff)
		}
	})
}

func TestForWorkloads(t *testing.T) {
	for _, tc := range []struct {
		name      string
		level     roles.Access
		workloads []roles.Workload
		want      []string // role names
	}{
		{"teams admin", roles.Admin, []roles.Workload{roles.Teams}, []string{"Teams Administrator"}},
		{"teams and voice read-only", roles.ReadOnly, []roles.Workload{roles.Teams, roles.TeamsVoice}, []string{"Teams Reader"}},
		{"exchange and sharepoint read-only", roles.ReadOnly, []roles.Workload{roles.Exchange, roles.SharePoint}, []string{"Global Reader"}},
		{"same workload twice", roles.Admin, []roles.Workload{roles.Teams, roles.Teams}, []string{"Teams Administrator"}},
		{"sorted by name", roles.Admin, []roles.Workload{roles.Teams, roles.Exchange, roles.AI},
			[]string{"AI Administrator", "Exchange Administrator", "Teams Administrator"}},
		{"mixed read-only", roles.ReadOnly, []roles.Workload{roles.Users, roles.Teams, roles.Exchange},
			[]string{"Directory Readers", "Global Reader", "Teams Reader"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := roles.ForWorkloads(tc.level, tc.workloads...)
			if err != nil {
				t.Fatalf("ForWorkloads(%v, %q): %v", tc.level, tc.workloads, err)
			}
			var want []roles.Role
			for _, name := range tc.want {
				want = append(want, mustLookup(t, name))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ForWorkloads(%v, %q) (-want +got):\n%s", tc.level, tc.workloads, diff)
			}
		})
	}
}

func TestForWorkloadsErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		level     roles.Access
		workloads []roles.Workload
		is        error  // nil: no sentinel expected
		mention   string // the message must contain this
	}{
		{"no read-only role", roles.ReadOnly, []roles.Workload{roles.Compliance}, roles.ErrNoReadOnlyRole,
			`roles: workload "compliance" has no read-only role`},
		{"no read-only role among others", roles.ReadOnly, []roles.Workload{roles.Teams, roles.PowerPlatform}, roles.ErrNoReadOnlyRole,
			`"power-platform"`},
		{"unknown workload", roles.Admin, []roles.Workload{roles.Teams, "teamz"}, roles.ErrUnknownWorkload,
			`roles: unknown workload "teamz"`},
		{"not normalized", roles.Admin, []roles.Workload{"Teams"}, roles.ErrUnknownWorkload, `"Teams"`},
		{"no workloads", roles.Admin, nil, nil, "no workloads"},
		{"invalid level", roles.Access(7), []roles.Workload{roles.Teams}, nil, "Access(7)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := roles.ForWorkloads(tc.level, tc.workloads...)
			if err == nil {
				t.Fatalf("ForWorkloads(%v, %q) = %v, want error", tc.level, tc.workloads, got)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %s", err, tc.mention)
			}
		})
	}
}

func TestWorkloadConstantsMatchData(t *testing.T) {
	var inData []roles.Workload
	for _, info := range roles.Workloads() {
		inData = append(inData, info.Workload)
	}
	for _, w := range allWorkloads {
		if !slices.Contains(inData, w) {
			t.Errorf("constant %q is not in Workloads()", w)
		}
	}
	for _, w := range inData {
		if !slices.Contains(allWorkloads, w) {
			t.Errorf("workload %q in the data has no constant", w)
		}
	}
	if len(inData) != 21 {
		t.Errorf("Workloads() has %d workloads, want 21", len(inData))
	}
}

func TestWorkloadsMatchData(t *testing.T) {
	rows := readTSV(t, "workloads.tsv")
	got := roles.Workloads()
	if len(got) != len(rows) {
		t.Fatalf("Workloads() has %d workloads, workloads.tsv has %d rows", len(got), len(rows))
	}
	names := func(list []roles.Role) string {
		var s []string
		for _, r := range list {
			s = append(s, r.Name)
		}
		return strings.Join(s, ",")
	}
	for i, f := range rows {
		want := []string{f[0], f[1], f[2], f[3], f[4]}
		g := got[i]
		if diff := cmp.Diff(want, []string{string(g.Workload), g.DisplayName, names(g.Admin), names(g.ReadOnly), g.Basis}); diff != "" {
			t.Errorf("workload %d (-want +got):\n%s", i, diff)
		}
		if len(g.Admin) == 0 {
			t.Errorf("workload %q has no admin role", g.Workload)
		}
	}
}

func TestParseWorkload(t *testing.T) {
	for in, want := range map[string]roles.Workload{
		"teams":         roles.Teams,
		" Teams-Voice ": roles.TeamsVoice,
		"AI":            roles.AI,
	} {
		got, err := roles.ParseWorkload(in)
		if err != nil || got != want {
			t.Errorf("ParseWorkload(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, w := range allWorkloads {
		if got, err := roles.ParseWorkload(string(w)); err != nil || got != w {
			t.Errorf("ParseWorkload(%q) = %q, %v", w, got, err)
		}
	}

	_, err := roles.ParseWorkload("teamz")
	if !errors.Is(err, roles.ErrUnknownWorkload) {
		t.Errorf("ParseWorkload(%q) error = %v, want ErrUnknownWorkload", "teamz", err)
	}
	for _, want := range []string{`"teamz"`, "teams", "teams-voice", "ai"} {
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestParseWorkloads(t *testing.T) {
	for in, want := range map[string][]roles.Workload{
		"teams,exchange":          {roles.Teams, roles.Exchange},
		" Teams , EXCHANGE ,":     {roles.Teams, roles.Exchange},
		"exchange,teams,exchange": {roles.Exchange, roles.Teams},
		"ai":                      {roles.AI},
	} {
		got, err := roles.ParseWorkloads(in)
		if err != nil {
			t.Errorf("ParseWorkloads(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseWorkloads(%q) (-want +got):\n%s", in, diff)
		}
	}
	for in, is := range map[string]error{
		"":               nil,
		" , ":            nil,
		"teams,teamz":    roles.ErrUnknownWorkload,
		"teams exchange": roles.ErrUnknownWorkload,
	} {
		got, err := roles.ParseWorkloads(in)
		if err == nil {
			t.Errorf("ParseWorkloads(%q) = %q, want error", in, got)
			continue
		}
		if is != nil && !errors.Is(err, is) {
			t.Errorf("ParseWorkloads(%q) error %q does not wrap %q", in, err, is)
		}
	}
}

func TestAccess(t *testing.T) {
	for _, a := range []roles.Access{roles.Admin, roles.ReadOnly} {
		got, err := roles.ParseAccess(strings.ToUpper(" " + a.String() + " "))
		if err != nil || got != a {
			t.Errorf("ParseAccess(%q) = %v, %v; want %v", a.String(), got, err, a)
		}
	}
	if diff := cmp.Diff([]string{"admin", "read-only", "", "Access(3)"},
		[]string{roles.Admin.String(), roles.ReadOnly.String(), roles.Access(0).String(), roles.Access(3).String()}); diff != "" {
		t.Errorf("Access.String (-want +got):\n%s", diff)
	}
	if _, err := roles.ParseAccess("readonly"); err == nil || !strings.Contains(err.Error(), `"readonly"`) {
		t.Errorf("ParseAccess(%q) error = %v, want one naming the value", "readonly", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, r := range roles.All() {
				if got, ok := roles.Lookup(r.ID); !ok || got != r {
					t.Errorf("Lookup(%q) = %+v, %v", r.ID, got, ok)
				}
			}
			if _, err := roles.ForWorkloads(roles.Admin, allWorkloads...); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func FuzzLookup(f *testing.F) {
	for _, s := range []string{"Global Administrator", "62E90394-69F5-4237-9190-012177145E10", " company  ADMINISTRATOR ", "Teams Admin", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, ok := roles.Lookup(s)
		if !ok {
			if r != (roles.Role{}) {
				t.Errorf("Lookup(%q) = %+v, false; want the zero Role", s, r)
			}
			return
		}
		if !slices.Contains(roles.All(), r) {
			t.Errorf("Lookup(%q) = %+v, not in All()", s, r)
		}
		for _, key := range []string{r.ID, r.Name, strings.ToUpper(r.ID), strings.ToLower(r.Name)} {
			if got, ok := roles.Lookup(key); !ok || got != r {
				t.Errorf("Lookup(%q) = %+v, %v; want %+v (found via %q)", key, got, ok, r, s)
			}
		}
	})
}

func FuzzParseWorkloads(f *testing.F) {
	for _, s := range []string{"teams,exchange", " Teams , teams-voice,", "teamz", ",", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, err := roles.ParseWorkloads(s)
		if err != nil {
			if ws != nil {
				t.Errorf("ParseWorkloads(%q) = %q with error %v", s, ws, err)
			}
			if !errors.Is(err, roles.ErrUnknownWorkload) && !onlyEmptyItems(s) {
				t.Errorf("ParseWorkloads(%q): unexpected error %v", s, err)
			}
			return
		}
		if len(ws) == 0 {
			t.Fatalf("ParseWorkloads(%q) = no workloads, no error", s)
		}
		for _, w := range ws {
			if !slices.Contains(allWorkloads, w) {
				t.Errorf("ParseWorkloads(%q) returned unknown workload %q", s, w)
			}
		}
		if _, err := roles.ForWorkloads(roles.Admin, ws...); err != nil {
			t.Errorf("ForWorkloads(Admin, %q): %v", ws, err)
		}
	})
}

// onlyEmptyItems reports whether a comma-separated list has no non-blank item.
func onlyEmptyItems(csv string) bool {
	for item := range strings.SplitSeq(csv, ",") {
		if strings.TrimSpace(item) != "" {
			return false
		}
	}
	return true
}
