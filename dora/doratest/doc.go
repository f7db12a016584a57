// Package doratest generates synthetic organisations for tests, demos and benchmarks.
//
// An [Org] describes teams, services and how they work: how often they deploy, how big their
// pull requests are, whether they squash-merge, how often a deployment goes wrong and how it is
// remediated. [Generate] streams the org's history into a warehouse, one repository at a time
// and one transaction per chunk, so an org of a million deployments and ten million commits
// needs no more memory than a small one. Every row is derived from Org.Seed: the same org
// always yields the same rows.
//
// The history holds what the metrics must cope with: a weekday rhythm, pull requests with
// coding and review time, squash merges (the merge sha is a new single-parent commit; the pull
// request carries first_commit_at), merge commits, direct pushes, a monorepo whose commits name
// their service, a service deployed to two regions, staging deployments, failed and cancelled
// attempts, deployments that list their commits (none for the first of a service and
// environment, and now and then none because the source did not say), rollbacks, hotfix and
// revert pull requests, unplanned deployments, and incidents that name their deployment, that
// start within the attribution window, that no deployment caused, and that are still open.
//
//	db, _ := dora.Open(ctx, "demo.duckdb")
//	org := doratest.DemoOrg(time.Now())
//	if err := db.SetServices(ctx, doratest.Services(org)); err != nil { … }
//	stats, err := doratest.Generate(ctx, db, org)
package doratest
