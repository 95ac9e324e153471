package dev.cachai.zk;

import dev.cachai.engine.zk.ZkId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * After the TLS handshake of a secure-port connection, adds {@code x509:<subject DN>} to the
 * connection's identities when the client presented a certificate (the handshake verified it
 * against the trusted CAs). The id is the subject's RFC 2253 name, as ZooKeeper's
 * X509AuthenticationProvider takes it; when that name is the configured super user, exactly as
 * written, the connection is a super user too. Without a certificate (ssl.clientAuth want or
 * none) the connection keeps only its ip id, as in ZooKeeper.
 */
final class X509Identity extends ChannelInboundHandlerAdapter {
    static final String SCHEME = "x509";

    private final ZkConnection connection;
    /** zookeeper.X509AuthenticationProvider.superUser; null: none. */
    private final String superUser;

    X509Identity(ZkConnection connection, String superUser) {
        this.connection = connection;
        this.superUser = superUser;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
            authenticate(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Decrypted bytes come only after the handshake: a safeguard should they overtake its event.
        authenticate(ctx);
        ctx.fireChannelRead(msg);
    }

    private void authenticate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        ctx.pipeline().remove(this);
        Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return;
        }
        if (chain.length > 0 && chain[0] instanceof X509Certificate) {
            String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
            connection.addAuth(new ZkId(SCHEME, dn), dn.equals(superUser) ? dn : null);
        }
    }
}
