package io.tef.gateway.ui;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The dashboard under {@code /ui/}: static pages from the jar ({@code ui/}) that read and change
 * TEF through the REST API alone, with Chart.js from its WebJar (the version the gateway's pom
 * pins). Nothing is loaded from elsewhere: the content security policy says so to the browser.
 * Any page path ({@code /ui/tasks/abc}) answers the one page; the page's script draws the view.
 */
public final class Dashboard {

  /** Scripts, styles, pictures and calls from this origin only; no inline script, no frames. */
  static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
      + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  private Dashboard() {
  }

  /** Mounts {@code /} (to {@code /ui/}) and {@code /ui/*}. */
  public static void mount(Vertx vertx, Router router) {
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    router.route("/ui/*").subRouter(pages(vertx));
  }

  private static Router pages(Vertx vertx) {
    Router ui = Router.router(vertx);
    ui.route().handler(Dashboard::secure);
    ui.get("/vendor/*").handler(StaticHandler.create("META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist")
        .setMaxAgeSeconds(86_400));
    ui.get("/app/*").handler(StaticHandler.create("ui/app").setCachingEnabled(false));
    Handler<RoutingContext> page = ctx -> {
      String path = ctx.normalizedPath();
      if (path.equals("/ui")) {
        ctx.redirect("/ui/");
        return;
      }
      if (path.startsWith("/ui/app/") || path.startsWith("/ui/vendor/")) {
        ctx.next(); // a script or style that is not in the jar: 404, not the page
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").putHeader("cache-control", "no-store")
          .sendFile("ui/index.html");
    };
    ui.get("/*").handler(page);
    return ui;
  }

  private static void secure(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-security-policy", POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("x-frame-options", "DENY");
    ctx.next();
  }

  /** The Chart.js version the build pinned (http-gateway/pom.xml, filtered into ui/vendor.properties). */
  static String chartJsVersion() {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream("ui/vendor.properties")) {
      if (in == null) {
        throw new IllegalStateException("ui/vendor.properties is not in the jar");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("chartjs.version");
      if (v == null || v.startsWith("$")) {
        throw new IllegalStateException("ui/vendor.properties names no Chart.js version (was it filtered by the build?)");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
