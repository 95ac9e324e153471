package dev.cachai.engine.zk;

import javax.security.auth.x500.X500Principal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** ZooKeeper's ACL checks (ZooKeeperServer.checkACL) and ACL fix-up on create/setACL (fixupACL). */
public final class ZkAcls {
    /** KerberosName's form: service, then an optional /host, then @REALM. */
    private static final Pattern KERBEROS_NAME = Pattern.compile("([^/@]*)(/([^/@]*))?@([^/@]*)");
    private static final String SASL_SUPER_USER = "super";

    private ZkAcls() {}

    /** Whether {@code identity} holds {@code perm} on a node with {@code acl}. */
    public static boolean allows(List<Acl> acl, int perm, ZkIdentity identity) {
        if (identity.superUser() || acl == null || acl.isEmpty()) {
            return true;
        }
        for (Acl a : acl) {
            if ((a.perms() & perm) == 0) {
                continue;
            }
            if (a.scheme().equals("world") && a.id().equals("anyone")) {
                return true;
            }
            for (ZkId id : identity.ids()) {
                if (id.scheme().equals(a.scheme()) && matches(a.scheme(), id.id(), a.id())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(String scheme, String authId, String aclId) {
        return switch (scheme) {
            case "ip" -> ipMatches(authId, aclId);
            // ZooKeeper's SASL provider: the SASL user named super matches every sasl entry.
            case "sasl" -> authId.equals(SASL_SUPER_USER) || authId.equals(aclId);
            default -> authId.equals(aclId);
        };
    }

    /**
     * The ACL to store for a create or setACL: duplicates removed, "auth" expanded to the
     * caller's authenticated ids. Returns null when ZooKeeper answers INVALIDACL.
     */
    public static List<Acl> fixup(List<Acl> requested, ZkIdentity identity) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        List<Acl> out = new ArrayList<>();
        // Most requests carry one entry: no duplicates to drop, no set to build on every create.
        for (Acl a : requested.size() == 1 ? requested : new LinkedHashSet<>(requested)) {
            if (a.scheme().equals("world") && a.id().equals("anyone")) {
                out.add(a);
            } else if (a.scheme().equals("auth")) {
                boolean any = false;
                for (ZkId id : identity.ids()) {
                    if (isAuthenticatedScheme(id.scheme())) {
                        any = true;
                        out.add(new Acl(a.perms(), id.scheme(), id.id()));
                    }
                }
                if (!any) {
                    return null;
                }
            } else if (isValidId(a.scheme(), a.id())) {
                out.add(a);
            } else {
                return null;
            }
        }
        // One shared list for the usual world-open ACL, not a copy per node.
        return out.equals(Acl.OPEN_ACL_UNSAFE) ? Acl.OPEN_ACL_UNSAFE : List.copyOf(out);
    }

    /** Schemes whose ids are real authentications ("ip" is not: ZooKeeper's IP provider says so). */
    private static boolean isAuthenticatedScheme(String scheme) {
        return scheme.equals("digest") || scheme.equals("x509") || scheme.equals("sasl");
    }

    private static boolean isValidId(String scheme, String id) {
        return switch (scheme) {
            case "digest" -> id.split(":").length == 2;
            case "ip" -> parseIp(id) != null;
            case "x509" -> isX500Name(id);
            case "sasl" -> isKerberosName(id);
            default -> false;
        };
    }

    /**
     * ZooKeeper's SASL provider takes what its KerberosName parses: service/host@REALM, or any
     * name without an '@'.
     */
    private static boolean isKerberosName(String id) {
        return !id.contains("@") || KERBEROS_NAME.matcher(id).matches();
    }

    /** ZooKeeper's X509AuthenticationProvider accepts any id that parses as an X.500 name. */
    private static boolean isX500Name(String id) {
        try {
            new X500Principal(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record Subnet(byte[] addr, int bits) {}

    private static Subnet parseIp(String id) {
        String[] parts = id.split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || !parts[0].matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            byte[] addr = InetAddress.getByName(parts[0]).getAddress();
            int bits = addr.length * 8;
            if (parts.length == 2) {
                bits = Integer.parseInt(parts[1]);
                if (bits < 0 || bits > addr.length * 8) {
                    return null;
                }
            }
            return new Subnet(addr, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            return null;
        }
    }

    private static boolean ipMatches(String clientIp, String aclId) {
        Subnet subnet = parseIp(aclId);
        Subnet client = parseIp(clientIp);
        if (subnet == null || client == null || subnet.addr().length != client.addr().length) {
            return false;
        }
        int bits = subnet.bits();
        for (int i = 0; i < subnet.addr().length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((subnet.addr()[i] & mask) != (client.addr()[i] & mask)) {
                return false;
            }
        }
        return true;
    }
}
