// Command roles prints the Microsoft Entra built-in role catalog and the
// workload-to-role mapping of package roles.
//
// Usage:
//
//	roles                                         workloads and all roles
//	roles -privileged                             only privileged roles
//	roles -search reader                          roles whose name or ID contains "reader"
//	roles -workloads teams,exchange [-read-only]  the roles that cover those workloads
//	roles -json ...                               the same, as JSON
//
// -privileged and -search also narrow the roles -workloads prints. Tables
// mark privileged roles with *. Bad flags or values exit with status 2.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/cloudhub/consent/examples/internal/flagparse"
	"github.com/cloudhub/consent/roles"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// output is what -json prints. Workloads is set only when the workload
// table is shown.
type output struct {
	Workloads []roles.WorkloadInfo `json:"workloads,omitempty"`
	Roles     []roles.Role         `json:"roles"`
}

// run executes the command and returns its exit code: 0 on success, 1 if
// output failed, 2 for bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("roles", flag.ContinueOnError)
	flags.SetOutput(stderr)
	privileged := flags.Bool("privileged", false, "list only privileged roles")
	search := flags.String("search", "", "list only roles whose name or template ID contains `TEXT` (any case)")
	workloads := flags.String("workloads", "", "list the roles that cover these comma-separated `WORKLOADS`")
	readOnly := flags.Bool("read-only", false, "with -workloads, the read-only roles instead of the admin roles")
	asJSON := flags.Bool("json", false, "print JSON")
	if code := flagparse.Parse(flags, args, stderr); code >= 0 {
		return code
	}
	usage := func(err error) int {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *readOnly && *workloads == "" {
		return usage(errors.New("roles: -read-only needs -workloads"))
	}

	var out output
	switch {
	case *workloads != "":
		ws, err := roles.ParseWorkloads(*workloads)
		if err != nil {
			return usage(err)
		}
		level := roles.Admin
		if *readOnly {
			level = roles.ReadOnly
		}
		if out.Roles, err = roles.ForWorkloads(level, ws...); err != nil {
			return usage(err)
		}
	case *privileged || *search != "":
		out.Roles = roles.All()
	default:
		out.Workloads = roles.Workloads()
		out.Roles = roles.All()
	}
	out.Roles = filter(out.Roles, *privileged, *search)

	var err error
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(out)
	} else {
		err = printTables(stdout, out)
	}
	if err != nil {
		fmt.Fprintln(stderr, "roles:", err)
		return 1
	}
	return 0
}

// filter keeps the roles that are privileged (if privilegedOnly) and whose
// name or template ID contains search, ignoring case.
func filter(list []roles.Role, privilegedOnly bool, search string) []roles.Role {
	search = strings.ToLower(strings.TrimSpace(search))
	kept := list[:0]
	for _, r := range list {
		if privilegedOnly && !r.Privileged {
			continue
		}
		if !strings.Contains(strings.ToLower(r.Name), search) && !strings.Contains(r.ID, search) {
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

func printTables(w io.Writer, out output) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if out.Workloads != nil {
		fmt.Fprintln(tw, "WORKLOAD\tADMIN\tREAD-ONLY\tBASIS")
		for _, info := range out.Workloads {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", info.Workload, names(info.Admin), names(info.ReadOnly), info.Basis)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintln(tw, "ROLE\tTEMPLATE ID")
	for _, r := range out.Roles {
		fmt.Fprintf(tw, "%s\t%s\n", name(r), r.ID)
	}
	plural := "s"
	if len(out.Roles) == 1 {
		plural = ""
	}
	fmt.Fprintf(tw, "\n%d role%s (* privileged)\n", len(out.Roles), plural)
	return tw.Flush()
}

// name is the role's name, marked with * if it is privileged.
func name(r roles.Role) string {
	if r.Privileged {
		return r.Name + " *"
	}
	return r.Name
}

func names(list []roles.Role) string {
	if len(list) == 0 {
		return "-"
	}
	s := make([]string, len(list))
	for i, r := range list {
		s[i] = name(r)
	}
	return strings.Join(s, ", ")
}
