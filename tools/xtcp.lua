-- SPDX-License-Identifier: GPL-2.0
--
-- xtcp.lua - Wireshark/tshark plugin: decode XTCP as TCP.
--
-- An XTCP segment is a TCP segment byte for byte (RFC 9293 header and
-- options, checksum over the TCP pseudo-header with protocol 6); only the
-- IP header's protocol field differs: 253, or 254 when xtcp.ko is loaded
-- with ipproto=254 (RFC 3692 experimental numbers). Registering both
-- numbers in the "ip.proto" table hands such packets to Wireshark's own TCP
-- dissector, so captures read as TCP (flags, sequence analysis, checksum
-- check, streams) without "-d ip.proto==253,tcp".
--
-- Installed by `make install` into the Wireshark Lua plugin directory that
-- `tshark -G folders` names (see README, "Install"); or load it by hand:
--   tshark -X lua_script:tools/xtcp.lua -r capture.pcapng

local tcp = Dissector.get("tcp")
local ip_proto = DissectorTable.get("ip.proto")

for _, proto in ipairs({ 253, 254 }) do
	ip_proto:add(proto, tcp)
end
