#!/bin/bash
# The live data-plane test again, with every program in generic (skb) XDP
# mode: what a NIC without native XDP support gets.
XPDP_XDP_MODE=generic exec "$(dirname "$0")/test_dataplane.sh"
