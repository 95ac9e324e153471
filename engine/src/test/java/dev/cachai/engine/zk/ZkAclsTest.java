package dev.cachai.engine.zk;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ZooKeeper's SASL provider rules, as ZkAcls applies them. */
class ZkAclsTest {
    private static final ZkIdentity BOB = new ZkIdentity(List.of(new ZkId("sasl", "bob")), false);
    private static final ZkIdentity SASL_SUPER = new ZkIdentity(List.of(new ZkId("sasl", "super")), false);
    private static final ZkIdentity DIGEST_BOB = new ZkIdentity(List.of(new ZkId("digest", "bob:x")), false);

    @Test
    void aSaslEntryMatchesItsUserAndTheUserNamedSuper() {
        List<Acl> bobs = List.of(new Acl(Acl.READ, "sasl", "bob"));
        assertThat(ZkAcls.allows(bobs, Acl.READ, BOB)).isTrue();
        assertThat(ZkAcls.allows(bobs, Acl.WRITE, BOB)).as("only the perms given").isFalse();
        assertThat(ZkAcls.allows(bobs, Acl.READ, SASL_SUPER)).isTrue();
        assertThat(ZkAcls.allows(bobs, Acl.READ, DIGEST_BOB)).as("another scheme").isFalse();
        assertThat(ZkAcls.allows(List.of(new Acl(Acl.READ, "digest", "super:x")), Acl.READ, SASL_SUPER))
                .as("super only within sasl").isFalse();
    }

    @Test
    void saslIdsAreKerberosNamesAndTheAuthSchemeTakesThem() {
        assertThat(ZkAcls.fixup(List.of(new Acl(Acl.ALL, "sasl", "bob")), ZkIdentity.ANONYMOUS)).isNotNull();
        assertThat(ZkAcls.fixup(List.of(new Acl(Acl.ALL, "sasl", "zk/host@EXAMPLE.COM")), ZkIdentity.ANONYMOUS))
                .isNotNull();
        assertThat(ZkAcls.fixup(List.of(new Acl(Acl.ALL, "sasl", "a@b@c")), ZkIdentity.ANONYMOUS)).isNull();
        assertThat(ZkAcls.fixup(List.of(new Acl(Acl.ALL, "auth", "")), BOB))
                .containsExactly(new Acl(Acl.ALL, "sasl", "bob"));
    }
}
