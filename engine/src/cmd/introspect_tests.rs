//! Tests of COMMAND: the expected bytes were captured from redis-server 7.0.15.

use super::*;
use crate::command::OwnedCmd;
use crate::resp::Protocol;

/// Runs COMMAND with `args` (the command name included) and returns the reply.
fn run(proto: Protocol, args: &[&str]) -> String {
    let cmd = OwnedCmd::from_parts(args.iter().map(|a| a.as_bytes()));
    let mut buf = Vec::new();
    command(&cmd.args(), &mut Reply::new(&mut buf, proto));
    String::from_utf8(buf).unwrap()
}

#[test]
fn count_and_all() {
    let n = table::all().len();
    assert_eq!(run(Protocol::Resp2, &["command", "count"]), format!(":{n}\r\n"));
    let all = run(Protocol::Resp2, &["COMMAND"]);
    assert!(all.starts_with(&format!("*{n}\r\n*10\r\n")));
    assert_eq!(all, run(Protocol::Resp2, &["command", "info"]));
}

#[test]
fn list_all_and_by_category() {
    let all = run(Protocol::Resp2, &["command", "list"]);
    assert!(all.contains("$6\r\nclient\r\n$14\r\nclient|getname\r\n"));
    assert!(all.contains("$3\r\nget\r\n"));
    let conn = run(Protocol::Resp2, &["command", "list", "filterby", "aclcat", "CONNECTION"]);
    assert!(conn.contains("$4\r\nping\r\n") && conn.contains("$11\r\nclient|list\r\n"));
    assert!(!conn.contains("$3\r\nget\r\n") && !conn.contains("$6\r\nclient\r\n"));
}

#[test]
fn set_info_up_to_key_specs() {
    // SET's key spec flags and notes belong to the string family's spec; the
    // rest must already match.
    let expected = "*1\r\n*10\r\n$3\r\nset\r\n:-3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@string\r\n+@slow\r\n*0\r\n*1\r\n";
    assert!(run(Protocol::Resp2, &["command", "info", "set"]).starts_with(expected));
}

#[test]
fn container_info_resp3() {
    let client = run(Protocol::Resp3, &["command", "info", "client"]);
    let subs = table::lookup(b"client").unwrap().subcommands.len();
    let head = format!(
        "*1\r\n*10\r\n$6\r\nclient\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n*{subs}\r\n*10\r\n"
    );
    assert!(client.starts_with(&head), "{client}");
}

#[test]
fn every_spec_is_well_formed() {
    for spec in table::all() {
        for s in std::iter::once(*spec).chain(spec.subcommands) {
            for cat in s.acl {
                assert!(ACL_CATEGORIES.contains(cat), "{}: unknown ACL category {cat}", s.name);
            }
            assert!(s.arity != 0, "{}: arity 0", s.name);
        }
        for sub in spec.subcommands {
            assert!(sub.subcommands.is_empty());
            let (container, _) = sub.name.split_once('|').expect("subcommand named container|sub");
            assert_eq!(container, spec.name);
            assert_eq!(lookup_full(sub.name.as_bytes()).map(|s| s.name), Some(sub.name));
        }
    }
}

#[test]
fn info_get() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "get"]),
        "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"
    );
}

#[test]
fn info_get_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "INFO", "get"]),
        "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"
    );
}

#[test]
fn info_ping() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "ping"]),
        "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n"
    );
}

#[test]
fn info_ping_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "INFO", "ping"]),
        "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n~1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n~0\r\n~0\r\n"
    );
}

#[test]
fn info_client_list_and_unknown() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "client|list", "nosuch"]),
        "*2\r\n*10\r\n$11\r\nclient|list\r\n:-2\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n*1\r\n$23\r\nnondeterministic_output\r\n*0\r\n*0\r\n$-1\r\n"
    );
}

#[test]
fn info_client_kill_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "INFO", "client|kill"]),
        "*1\r\n*10\r\n$11\r\nclient|kill\r\n:-3\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~4\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n"
    );
}

#[test]
fn info_debug() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "debug"]),
        "*1\r\n*10\r\n$5\r\ndebug\r\n:-2\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n"
    );
}

#[test]
fn info_command_getkeys() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "command|getkeys"]),
        "*1\r\n*10\r\n$15\r\ncommand|getkeys\r\n:-4\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@slow\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n"
    );
}

#[test]
fn info_config_set() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "INFO", "CONFIG|SET"]),
        "*1\r\n*10\r\n$10\r\nconfig|set\r\n:-4\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*2\r\n$24\r\nrequest_policy:all_nodes\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n"
    );
}

#[test]
fn info_hello_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "INFO", "hello"]),
        "*1\r\n*10\r\n$5\r\nhello\r\n:-1\r\n~6\r\n+noscript\r\n+loading\r\n+stale\r\n+fast\r\n+no_auth\r\n+allow_busy\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~0\r\n~0\r\n~0\r\n"
    );
}

#[test]
fn docs_ping() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "DOCS", "ping"]),
        "*2\r\n$4\r\nping\r\n*10\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"
    );
}

#[test]
fn docs_hello_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "DOCS", "hello"]),
        "%1\r\n$5\r\nhello\r\n%6\r\n$7\r\nsummary\r\n$20\r\nHandshake with Redis\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n$109\r\n`protover` made optional; when called without arguments the command reports the current connection's context.\r\n$9\r\narguments\r\n*1\r\n%4\r\n$4\r\nname\r\n$9\r\narguments\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%2\r\n$4\r\nname\r\n$8\r\nprotover\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%5\r\n$4\r\nname\r\n$17\r\nusername_password\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$4\r\nAUTH\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r\ntype\r\n$6\r\nstring\r\n%2\r\n$4\r\nname\r\n$8\r\npassword\r\n$4\r\ntype\r\n$6\r\nstring\r\n%4\r\n$4\r\nname\r\n$10\r\nclientname\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$7\r\nSETNAME\r\n$5\r\nflags\r\n~1\r\n+optional\r\n"
    );
}

#[test]
fn docs_config_get() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "DOCS", "config|get"]),
        "*2\r\n$10\r\nconfig|get\r\n*12\r\n$7\r\nsummary\r\n$42\r\nGet the values of configuration parameters\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$62\r\nO(N) when N is the number of configuration parameters provided\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$65\r\nAdded the ability to pass multiple pattern parameters in one call\r\n$9\r\narguments\r\n*1\r\n*8\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$9\r\nparameter\r\n$4\r\ntype\r\n$6\r\nstring\r\n"
    );
}

#[test]
fn docs_command_list_resp3() {
    assert_eq!(
        run(Protocol::Resp3, &["COMMAND", "DOCS", "command|list"]),
        "%1\r\n$12\r\ncommand|list\r\n%5\r\n$7\r\nsummary\r\n$35\r\nGet an array of Redis command names\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$50\r\nO(N) where N is the total number of Redis commands\r\n$9\r\narguments\r\n*1\r\n%5\r\n$4\r\nname\r\n$8\r\nfilterby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$8\r\nFILTERBY\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$11\r\nmodule-name\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nMODULE\r\n%3\r\n$4\r\nname\r\n$8\r\ncategory\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nACLCAT\r\n%3\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$7\r\nPATTERN\r\n"
    );
}

#[test]
fn docs_debug() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "DOCS", "debug"]),
        "*2\r\n$5\r\ndebug\r\n*10\r\n$7\r\nsummary\r\n$34\r\nA container for debugging commands\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$9\r\ndoc_flags\r\n*1\r\n+syscmd\r\n"
    );
}

#[test]
fn docs_client_kill() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "DOCS", "client|kill"]),
        "*2\r\n$11\r\nclient|kill\r\n*12\r\n$7\r\nsummary\r\n$31\r\nKill the connection of a client\r\n$5\r\nsince\r\n$5\r\n2.4.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$48\r\nO(N) where N is the number of client connections\r\n$7\r\nhistory\r\n*5\r\n*2\r\n$6\r\n2.8.12\r\n$24\r\nAdded new filter format.\r\n*2\r\n$6\r\n2.8.12\r\n$12\r\n`ID` option.\r\n*2\r\n$5\r\n3.2.0\r\n$41\r\nAdded `master` type in for `TYPE` option.\r\n*2\r\n$5\r\n5.0.0\r\n$91\r\nReplaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.\r\n*2\r\n$5\r\n6.2.0\r\n$15\r\n`LADDR` option.\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$6\r\nfilter\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$7\r\nip:port\r\n$4\r\ntype\r\n$6\r\nstring\r\n$16\r\ndeprecated_since\r\n$6\r\n2.8.12\r\n*8\r\n$4\r\nname\r\n$10\r\nnew-format\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*6\r\n*10\r\n$4\r\nname\r\n$9\r\nclient-id\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$2\r\nID\r\n$5\r\nsince\r\n$6\r\n2.8.12\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*12\r\n$4\r\nname\r\n$26\r\nnormal_master_slave_pubsub\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$4\r\nTYPE\r\n$5\r\nsince\r\n$6\r\n2.8.12\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$6\r\nnormal\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nNORMAL\r\n*8\r\n$4\r\nname\r\n$6\r\nmaster\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nMASTER\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n*6\r\n$4\r\nname\r\n$5\r\nslave\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nSLAVE\r\n*8\r\n$4\r\nname\r\n$7\r\nreplica\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nREPLICA\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n*6\r\n$4\r\nname\r\n$6\r\npubsub\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nPUBSUB\r\n*8\r\n$4\r\nname\r\n$8\r\nusername\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nUSER\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$7\r\nip:port\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$4\r\nADDR\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$7\r\nip:port\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$5\r\nLADDR\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$6\r\nyes/no\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\ntoken\r\n$6\r\nSKIPME\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"
    );
}

#[test]
fn docs_shutdown() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "DOCS", "shutdown"]),
        "*2\r\n$8\r\nshutdown\r\n*12\r\n$7\r\nsummary\r\n$68\r\nSynchronously save the dataset to disk and then shut down the server\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$103\r\nO(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$47\r\nAdded the `NOW`, `FORCE` and `ABORT` modifiers.\r\n$9\r\narguments\r\n*4\r\n*8\r\n$4\r\nname\r\n$11\r\nnosave_save\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$6\r\nnosave\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$6\r\nNOSAVE\r\n*6\r\n$4\r\nname\r\n$4\r\nsave\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nSAVE\r\n*10\r\n$4\r\nname\r\n$3\r\nnow\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nNOW\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$5\r\nforce\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nFORCE\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$5\r\nabort\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nABORT\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"
    );
}

#[test]
fn docs_unknown_resp3() {
    assert_eq!(run(Protocol::Resp3, &["COMMAND", "DOCS", "nosuch"]), "%0\r\n");
}

#[test]
fn docs_unknown() {
    assert_eq!(run(Protocol::Resp2, &["COMMAND", "DOCS", "nosuch"]), "*0\r\n");
}

#[test]
fn help() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "HELP"]),
        "*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+(no subcommand)\r\n+    Return details about all Redis commands.\r\n+COUNT\r\n+    Return the total number of commands in this Redis server.\r\n+LIST\r\n+    Return a list of all commands in this Redis server.\r\n+INFO [<command-name> ...]\r\n+    Return details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+DOCS [<command-name> ...]\r\n+    Return documentation details about multiple Redis commands.\r\n+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n+GETKEYS <full-command>\r\n+    Return the keys from a full Redis command.\r\n+GETKEYSANDFLAGS <full-command>\r\n+    Return the keys and the access flags from a full Redis command.\r\n+HELP\r\n+    Prints this help.\r\n"
    );
}

#[test]
fn unknown_subcommand() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "foo"]),
        "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n"
    );
}

#[test]
fn getkeys_get() {
    assert_eq!(run(Protocol::Resp2, &["COMMAND", "GETKEYS", "get", "k"]), "*1\r\n$1\r\nk\r\n");
}

#[test]
fn getkeys_set() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "SET", "k", "v", "EX", "10"]),
        "*1\r\n$1\r\nk\r\n"
    );
}

#[test]
fn getkeysandflags_get() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYSANDFLAGS", "get", "k"]),
        "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n"
    );
}

#[test]
fn getkeys_invalid_command() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "nosuch", "a"]),
        "-ERR Invalid command specified\r\n"
    );
}

#[test]
fn getkeys_invalid_subcommand() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "client", "nosuch"]),
        "-ERR Invalid command specified\r\n"
    );
}

#[test]
fn getkeys_no_keys() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "client", "list"]),
        "-ERR The command has no key arguments\r\n"
    );
}

#[test]
fn getkeys_no_keys_ping() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "ping", "x"]),
        "-ERR The command has no key arguments\r\n"
    );
}

#[test]
fn getkeys_wrong_arity_fixed() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "get", "a", "b"]),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
}

#[test]
fn getkeys_wrong_arity_min() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "GETKEYS", "set", "a"]),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
}

#[test]
fn list_pattern() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "PATTERN", "client|l*"]),
        "*1\r\n$11\r\nclient|list\r\n"
    );
}

#[test]
fn list_pattern_nocase() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "pattern", "CONFIG|RESET*"]),
        "*1\r\n$16\r\nconfig|resetstat\r\n"
    );
}

#[test]
fn list_unknown_aclcat() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"]),
        "*0\r\n"
    );
}

#[test]
fn list_module() {
    assert_eq!(run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"]), "*0\r\n");
}

#[test]
fn list_syntax_error() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "foo", "x"]),
        "-ERR syntax error\r\n"
    );
}

#[test]
fn list_syntax_error_extra() {
    assert_eq!(
        run(Protocol::Resp2, &["COMMAND", "LIST", "FILTERBY", "aclcat", "x", "y"]),
        "-ERR syntax error\r\n"
    );
}

#[test]
fn list_syntax_error_word() {
    assert_eq!(run(Protocol::Resp2, &["COMMAND", "LIST", "foo"]), "-ERR syntax error\r\n");
}
