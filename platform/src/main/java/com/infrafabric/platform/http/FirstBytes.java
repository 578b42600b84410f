package com.infrafabric.platform.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Tells when the first bytes arrive on a connection, before they make a request: Vert.x's API shows
 * a request only once its head is complete, and a client in the middle of its head looks the same
 * as one that sent nothing, which {@link ConnectionGuard} must tell apart when it closes one.
 *
 * <p>It sits first in the connection's Netty pipeline, which only Vert.x's implementation type
 * exposes, and takes itself out at the first read, so it costs nothing after it.
 */
final class FirstBytes extends ChannelInboundHandlerAdapter {

  private final Runnable heard;

  private FirstBytes(Runnable heard) {
    this.heard = heard;
  }

  /**
   * Runs {@code heard} on the connection's event loop when its first bytes arrive; nothing for a
   * connection of another implementation than Vert.x's own HTTP server's, whose requests still say
   * it has sent bytes.
   */
  static void watch(HttpConnection connection, Runnable heard) {
    if (connection instanceof HttpServerConnection server) {
      server.channelHandlerContext().pipeline().addFirst(new FirstBytes(heard));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.pipeline().remove(this);
    heard.run();
    ctx.fireChannelRead(msg);
  }
}
